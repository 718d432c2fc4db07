/**
 * Concurrency (short version; test/long/cruft-concurrency.test.ts is the sized one): ~200 real
 * `git push`es from 4 clients, some landing objects before their refs, race back-to-back full
 * cruft repacks by cruft-writer. No pushed commit is lost, every one is reachable from its ref,
 * fsck is clean, and the repacks did overlap the pushes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll } from "../helpers/fixtures.js";
import { fsckClean, listPacks, stopCruftRigs } from "../helpers/cruft.js";
import { raceFullRepacks, verifyPushes } from "../helpers/cruft-push.js";

afterEach(async () => {
  await stopCruftRigs();
  await cleanupAll();
});

describe("cruft-writer full repacks racing real pushes", () => {
  it("~200 pushes (some objects before their refs) racing full repacks: nothing lost, fsck clean", async () => {
    const { bare, log, repacks, rig } = await raceFullRepacks({ baseCommits: 40, clients: 4, pushesPerClient: 50 });
    expect(log.errors).toEqual([]);
    expect(log.pushes).toBeGreaterThanOrEqual(200);
    expect(log.lateRefs.length).toBeGreaterThanOrEqual(20);
    expect(repacks.failed).toEqual([]);
    expect(repacks.duringPushes).toBeGreaterThanOrEqual(3);
    expect(verifyPushes(bare, log)).toEqual([]);
    fsckClean(bare);
    expect(listPacks(bare, rig.repo.packDir).filter((p) => !p.cruft)).toHaveLength(1);
  });
});
