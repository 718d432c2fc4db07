/**
 * Kill -9 (DESIGN.md §3 invariant 7), short version (test/long/aggregate-kill.test.ts runs ≥ 20
 * trials): gitmaint killed at random moments of its aggregation passes leaves a repository fsck
 * accepts with every object present, and the next run removes its stale markers and finishes.
 * And a repack that dies early: the during-repack loop stops, nothing half-done is left.
 */
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { allObjects, fsckClean, generateRepo } from "../helpers/cruft.js";
import { cleanupAll, git, gitEnv, tempDir, waitFor, writeLooseBlobs } from "../helpers/fixtures.js";
import { gitmaintLeftovers, startAgg, stopAggRigs } from "../helpers/aggregate.js";
import { killTrial } from "../helpers/aggregate-kill.js";

afterEach(async () => {
  await stopAggRigs();
  await cleanupAll();
});

describe("aggregate-during-repack under kill -9", () => {
  it("5 random SIGKILLs mid-pass: fsck clean, objects intact, the next run cleans up and finishes", async () => {
    const left: string[] = [];
    for (let seed = 1; seed <= 5; seed++) {
      const t = await killTrial(seed);
      expect(t.problems).toEqual([]);
      left.push(...t.leftBehind);
    }
    console.log(`left behind by killed runs (then removed): ${left.length ? left.join(", ") : "nothing"}`);
  }, 120_000);

  it("a repack killed early: the loop stops within one cycle and leaves nothing half-done", async () => {
    const bare = generateRepo({ commits: 1500, filesPerCommit: 10, blobBytes: 800, bare: true });
    git(bare, ["repack", "-a", "-d", "-F", "--window=0", "-q"]);
    const rig = await startAgg(bare, { stateDir: tempDir("state-"), watch: true, agg: { intervalMs: 300, minPackAgeMs: 0 } });
    const before = allObjects(bare);
    const repack = spawn("git", ["-c", "pack.threads=1", "repack", "--cruft", "-d", "-f", "--window=250"], { cwd: bare, env: gitEnv(), stdio: "ignore", detached: true });
    const status = async () =>
      (await rig.engine.runPlugin("aggregate-during-repack", rig.repo.id, { args: { mode: "status" } }))?.data as {
        session?: { state: string; cycles: number };
      };
    let n = 0;
    const feed = setInterval(() => void before.add(writeLooseBlobs(bare, 3, `f${n++}`)[0]!), 150);
    try {
      await waitFor(async () => ((await status()).session?.cycles ?? 0) >= 2, { timeoutMs: 30_000, what: "two cycles during the repack" });
      process.kill(-repack.pid!, "SIGKILL");
      const killedAt = Date.now();
      await waitFor(async () => (await status()).session === undefined, { timeoutMs: 10_000, what: "the session to stop" });
      expect(Date.now() - killedAt).toBeLessThan(5_000);
    } finally {
      clearInterval(feed);
    }
    expect(gitmaintLeftovers(rig.repo.objectsDir)).toEqual([]);
    fsckClean(bare);
    const after = allObjects(bare);
    for (const oid of before) expect(after.has(oid)).toBe(true);
  }, 90_000);
});
