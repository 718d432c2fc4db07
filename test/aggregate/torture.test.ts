/**
 * Torture (short version; test/long/aggregate-torture.test.ts is the sized one): a bare repository
 * of ≥ 50,000 objects, 3 push clients plus fast-import and hash-object writers, and a full cruft
 * repack by cruft-writer with aggregation on. The repack exits 0; no pack the repack listed (the
 * protected set) or wrote (its `.tmp-<pid>-pack-*` names) is ever deleted by the aggregator (its
 * journal, checked against a raw recording of objects/pack); fsck is clean; every pushed commit is
 * reachable from its branch and every written object is present; the pack count stays bounded.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll } from "../helpers/fixtures.js";
import { stopAggRigs } from "../helpers/aggregate.js";
import { assertTorture, protectedAndDeleted, torture } from "../helpers/aggregate-torture.js";

afterEach(async () => {
  await stopAggRigs();
  await cleanupAll();
});

describe("aggregate-during-repack torture (short)", () => {
  it("full cruft repack by cruft-writer under push + fast-import + loose writers", async () => {
    const t = await torture({ kind: "cruft-writer", commits: 4_000, clients: 3 });
    console.log(
      `repack ${t.repackMs} ms, pushes during ${t.pushesDuring}, packs start ${t.packsAtStart} max ${t.maxDuring} end ${t.packsAtEnd}, cycles ${protectedAndDeleted(t.journal).cycles}`,
    );
    if (protectedAndDeleted(t.journal).cycles === 0) console.log(t.logs.join("\n"));
    assertTorture(t);
    expect(t.pushesDuring).toBeGreaterThanOrEqual(5);
    // bounded: without aggregation every push during the repack leaves a pack (or loose objects) behind
    // (+20: a cycle runs every intervalMs, so a burst of pushes between two cycles on a loaded
    // 2-core machine can briefly add ~20 packs; without the plugin the benchmark saw ~1 per push)
    expect(t.maxDuring).toBeLessThanOrEqual(t.packsAtStart + 20);
    // At this short size the repack lasts ~2 s: packs pushed within the last settle window
    // (minPackAgeMs) cannot be rolled up yet by design, so the end count is loose here; the long
    // torture and bench/aggregate (115 packs without the plugin, 11 with) measure effectiveness.
    expect(t.packsAtEnd).toBeLessThanOrEqual(25);
  }, 150_000);
});
