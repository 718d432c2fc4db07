/**
 * The sized concurrency run of cruft-writer (`npm run test:long`, size from GITMAINT_LONG, default 1):
 * 200 x size real pushes from 4 + size clients, objects landing before their refs, racing
 * back-to-back full cruft repacks. Nothing lost, every commit reachable from its ref, fsck clean.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll } from "../helpers/fixtures.js";
import { fsckClean, listPacks, stopCruftRigs } from "../helpers/cruft.js";
import { raceFullRepacks, verifyPushes } from "../helpers/cruft-push.js";

const size = Math.max(1, Number(process.env["GITMAINT_LONG"] ?? 1) || 1);

afterEach(async () => {
  await stopCruftRigs();
  await cleanupAll();
});

describe(`cruft-writer long race (size ${size})`, () => {
  it(`${200 * size} pushes racing full repacks: nothing lost, fsck clean`, async () => {
    const clients = 4 + size;
    const { bare, log, repacks, rig } = await raceFullRepacks({
      baseCommits: 200 * size,
      clients,
      pushesPerClient: Math.ceil((200 * size) / clients),
    });
    expect(log.errors).toEqual([]);
    expect(log.pushes).toBeGreaterThanOrEqual(200 * size);
    expect(repacks.failed).toEqual([]);
    expect(repacks.duringPushes).toBeGreaterThanOrEqual(3);
    expect(verifyPushes(bare, log)).toEqual([]);
    fsckClean(bare);
    expect(listPacks(bare, rig.repo.packDir).filter((p) => !p.cruft)).toHaveLength(1);
  });
});
