/**
 * Timeouts on real git: the run is killed, nothing is left in the side dir (no tmp_obj_*, no
 * index.lock), the next snapshot is correct; and 100 timeouts in a row leak neither files nor fds.
 */
import { closeSync, openSync, realpathSync, rmSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Bus, GitRunner, Journal } from "@gitmaint/core";
import type { GitFinishedEvent } from "@gitmaint/core";
import { createSnapshotter, SnapshotError } from "@gitmaint/plugins";
import { cleanupAll, git, tempDir, waitFor } from "../helpers/fixtures.js";
import { fdCount, independentTree, isolateGitEnv, leftoversIn, makeWorkTree, subcommandOf } from "../helpers/snapshot.js";

beforeAll(() => isolateGitEnv());
afterEach(() => cleanupAll());
afterAll(() => cleanupAll());

function makeRunner() {
  const bus = new Bus();
  const finished: GitFinishedEvent[] = [];
  bus.on("git.finished", (e) => void finished.push(e));
  return { git: new GitRunner({ bus }), finished };
}

function openClose(path: string): string {
  closeSync(openSync(path, "w"));
  return path;
}

function sideDir(): string {
  const gitDir = join(tempDir("side-"), "snap.git");
  git(tempDir("cwd-"), ["init", "-q", "--bare", gitDir]);
  return gitDir;
}

describe("timeouts", () => {
  it("a timed-out snapshot of a large tree kills git, leaves nothing behind, and the next one is correct", async () => {
    const workTree = makeWorkTree(20_000);
    const gitDir = sideDir();
    const { git: runner, finished } = makeRunner();
    let killedAdd: GitFinishedEvent | undefined;
    for (const timeoutMs of [250, 500, 1000, 2000]) {
      const snap = createSnapshotter({ gitDir, workTree, timeoutMs, minIntervalMs: 0, git: runner, killGraceMs: 500 });
      const error = await snap.track().then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error === undefined) continue; // the machine was fast enough: try the next size... (never with 20k files)
      expect(error).toBeInstanceOf(SnapshotError);
      expect((error as SnapshotError).timedOut).toBe(true);
      expect(leftoversIn(gitDir)).toEqual([]);
      killedAdd = finished.find((e) => e.timedOut && subcommandOf(e.argv) === "add");
      if (killedAdd) break;
    }
    expect(killedAdd, "no git add was killed by the timeout").toBeDefined();
    expect(killedAdd?.ok).toBe(false);
    expect(killedAdd?.signal ?? "").toMatch(/SIG(TERM|KILL)/);

    const snap = createSnapshotter({ gitDir, workTree, timeoutMs: 60_000, minIntervalMs: 0, git: runner });
    const next = await snap.track();
    expect(next).toEqual({ tree: independentTree(workTree), fresh: true });
    expect(leftoversIn(gitDir)).toEqual([]);
  });

  it("100 timeouts in a row: no growth in tmp files, fd count back to baseline", async () => {
    const workTree = makeWorkTree(200);
    // A 1 GiB sparse file that may be added: hashing it takes seconds, so every run that gets to
    // `update-index` is killed mid-write (and leaves its tmp_pack_* to clean), none completes.
    truncateSync(openClose(join(workTree, "big.bin")), 1024 ** 3);
    const gitDir = sideDir();
    const { git: runner, finished } = makeRunner();
    const journal = new Journal({ dir: tempDir("state-") });
    const opts = { gitDir, workTree, minIntervalMs: 0, git: runner, maxFileBytes: 2 * 1024 ** 3, journal };
    const snap = createSnapshotter({ ...opts, timeoutMs: 80, killGraceMs: 200 });
    const attempt = () => snap.track({ force: true }).then(() => "ok", (e: unknown) => (e instanceof SnapshotError && e.timedOut ? "timeout" : e));
    // warm up (lazy init, first spawns), then take the baseline
    for (let i = 0; i < 3; i++) await attempt();
    const baseline = fdCount();
    const outcomes: unknown[] = [];
    for (let i = 0; i < 100; i++) outcomes.push(await attempt());
    expect(outcomes.filter((o) => o !== "timeout" && o !== "ok")).toEqual([]);
    expect(outcomes.filter((o) => o === "timeout").length).toBeGreaterThanOrEqual(95);
    // many killed a running git (the others ran out of time before one started)
    expect(finished.filter((e) => e.timedOut).length).toBeGreaterThanOrEqual(50);
    expect(leftoversIn(gitDir)).toEqual([]);
    // the killed runs did leave tmp files, and each removal was journaled first
    const deleted = await journal.read(realpathSync(gitDir), { op: "delete" });
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.every((e) => /^objects\/(pack\/tmp_|[0-9a-f]{2}\/tmp_obj_)|index\.lock$/.test(e.path ?? ""))).toBe(true);
    await waitFor(() => fdCount() <= baseline, { timeoutMs: 5_000, what: `fd count back to ${baseline} (now ${fdCount()})` });
    expect(runner.live()).toEqual([]);
    // and the store is still usable
    rmSync(join(workTree, "big.bin"));
    const ok = await createSnapshotter({ ...opts, timeoutMs: 30_000 }).track();
    expect(ok.tree).toBe(independentTree(workTree));
  });
});
