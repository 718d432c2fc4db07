/**
 * Torture (short version; test/long/aggregate-torture.test.ts is the sized one): a bare repository
 * of ≥ 50,000 objects, 3 push clients plus fast-import and hash-object writers, and a full cruft
 * repack by cruft-writer with aggregation on. The repack exits 0; no pack the repack listed (the
 * protected set) or wrote (its `.tmp-<pid>-pack-*` names) is ever deleted by the aggregator (its
 * journal, checked against a raw recording of objects/pack); fsck is clean; every pushed commit is
 * reachable from its branch and every written object is present; the pack count stays bounded.
 */
import { afterEach, describe, expect, it } from "vitest";
import { fsckClean } from "../helpers/cruft.js";
import { verifyPushes } from "../helpers/cruft-push.js";
import { cleanupAll } from "../helpers/fixtures.js";
import { gitmaintLeftovers, missingObjects, stopAggRigs } from "../helpers/aggregate.js";
import { protectedAndDeleted, torture, type TortureOutcome } from "../helpers/aggregate-torture.js";

afterEach(async () => {
  await stopAggRigs();
  await cleanupAll();
});

export function assertTorture(t: TortureOutcome): void {
  expect(t.repackError).toBeUndefined();
  expect(t.repackOk).toBe(true);
  expect(t.log.errors).toEqual([]);
  expect(t.writerErrors).toEqual([]);
  const { protectedSet, deleted, cycles } = protectedAndDeleted(t.journal);
  expect(protectedSet.size).toBeGreaterThan(0);
  expect(cycles).toBeGreaterThan(0);
  // the aggregator never deleted a protected pack or a repack output
  for (const h of deleted) {
    expect(protectedSet.has(h)).toBe(false);
    expect(t.recorder.staging.has(h)).toBe(false);
  }
  // everything that left objects/pack was either journaled by the aggregator or listed by the repack
  for (const h of t.recorder.removed.keys()) expect(deleted.has(h) || protectedSet.has(h)).toBe(true);
  fsckClean(t.bare);
  expect(verifyPushes(t.bare, t.log)).toEqual([]);
  expect(missingObjects(t.bare, t.written)).toEqual([]);
  expect(gitmaintLeftovers(t.rig.repo.objectsDir)).toEqual([]);
}

describe("aggregate-during-repack torture (short)", () => {
  it("full cruft repack by cruft-writer under push + fast-import + loose writers", async () => {
    const t = await torture({ kind: "cruft-writer", commits: 4_200, clients: 3 });
    console.log(
      `repack ${t.repackMs} ms, pushes during ${t.pushesDuring}, packs start ${t.packsAtStart} max ${t.maxDuring} end ${t.packsAtEnd}, cycles ${protectedAndDeleted(t.journal).cycles}`,
    );
    if (protectedAndDeleted(t.journal).cycles < 1000) console.log(t.logs.join("\n"));
    assertTorture(t);
    expect(t.pushesDuring).toBeGreaterThanOrEqual(5);
    // bounded: without aggregation every push during the repack leaves a pack (or loose objects) behind
    expect(t.maxDuring).toBeLessThanOrEqual(t.packsAtStart + 15);
    expect(t.packsAtEnd).toBeLessThanOrEqual(15);
  }, 150_000);
});
