/**
 * cruft-writer's safety around other maintenance: a live `git maintenance run` holding
 * objects/maintenance.lock makes it skip (or wait, with lockWaitMs) with a clear message; a stale
 * maintenance.lock (dead holder) is reported and taken over; a live `git gc` on the repository
 * (which takes no maintenance.lock) makes it skip too. The blockers are real git processes held
 * inside git's own `pre-auto-gc` hook.
 */
import { existsSync, utimesSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll, git, spawnTracked, tempDir, waitFor } from "../helpers/fixtures.js";
import { fsckClean, generateRepo, listPacks, startCruft, stopCruftRigs } from "../helpers/cruft.js";

afterEach(async () => {
  await stopCruftRigs();
  await cleanupAll();
});

/** A bare repository with two packs (so --auto wants a full repack). */
function twoPacks(): string {
  const path = generateRepo({ commits: 5, filesPerCommit: 3, bare: true });
  generateRepo({ commits: 2, filesPerCommit: 3, into: path, seed: 5 });
  return path;
}

/**
 * Makes `git gc --auto` (and `git maintenance run --auto --task=gc`) block in the pre-auto-gc hook
 * until `release()`; the hook then exits 1 so gc does nothing.
 */
function blockingHook(path: string): { started: string; release: () => void } {
  const hooks = tempDir("hooks-");
  const flag = join(hooks, "hold");
  const started = join(hooks, "started");
  writeFileSync(flag, "");
  writeFileSync(join(hooks, "pre-auto-gc"), `#!/bin/sh\ntouch '${started}'\nwhile [ -e '${flag}' ]; do sleep 0.05; done\nexit 1\n`, { mode: 0o755 });
  git(path, ["config", "core.hooksPath", hooks]);
  git(path, ["config", "gc.autoPackLimit", "1"]);
  git(path, ["config", "gc.autoDetach", "false"]);
  return { started, release: () => rmSync(flag, { force: true }) };
}

function exited(child: ReturnType<typeof spawnTracked>): Promise<number | null> {
  return new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once("exit", (code) => r(code))));
}

describe("cruft-writer and other maintenance", () => {
  it("skips with a clear message while a live git maintenance run holds objects/maintenance.lock, and waits for it with lockWaitMs", async () => {
    const path = twoPacks();
    const hook = blockingHook(path);
    const lockPath = join(path, "objects", "maintenance.lock");
    const maint = spawnTracked("git", ["maintenance", "run", "--auto", "--task=gc"], { cwd: path });
    await waitFor(() => existsSync(hook.started) && existsSync(lockPath), { what: "git maintenance to hold its lock" });

    const rig = await startCruft(path);
    const { summary, data } = await rig.repack("auto");
    expect(data.decision.action).toBe("full");
    expect(data.skipped).toMatch(
      new RegExp(`the maintenance lock \\(gitmaint's and git's objects/maintenance.lock\\) is held by git maintenance \\(pid ${maint.pid}\\); will retry later`),
    );
    expect(summary).toMatch(/skipped: /);
    expect(data.steps).toEqual([]);
    expect(listPacks(path, rig.repo.packDir)).toHaveLength(2);
    expect(existsSync(lockPath)).toBe(true); // git's lock untouched

    // with lockWaitMs it waits for the holder instead, then runs
    await rig.stop();
    const waiting = await startCruft(path, { lockWaitMs: 30_000 }, rig.stateDir);
    const run = waiting.repack("auto");
    await new Promise((r) => setTimeout(r, 300));
    hook.release();
    expect(await exited(maint)).toBe(0);
    const { data: done } = await run;
    expect(done.skipped).toBeUndefined();
    expect(done.decision.action).toBe("full");
    expect(done.steps.every((s) => s.ok)).toBe(true);
    expect(existsSync(lockPath)).toBe(false);
    fsckClean(path);
  });

  it("reports and takes over a stale objects/maintenance.lock (no live holder)", async () => {
    const path = twoPacks();
    const lockPath = join(path, "objects", "maintenance.lock");
    writeFileSync(lockPath, "");
    const old = (Date.now() - 10 * 60_000) / 1000;
    utimesSync(lockPath, old, old);

    const rig = await startCruft(path);
    const { data } = await rig.repack("auto");
    expect(data.skipped).toBeUndefined();
    expect(data.steps.length).toBeGreaterThan(0);
    expect(data.steps.every((s) => s.ok)).toBe(true);
    const takeover = rig.actions.find((a) => a.kind === "lock-taken-over");
    expect(takeover?.message).toMatch(/maintenance/);
    expect((await rig.journal()).some((e) => e.op === "lock-takeover")).toBe(true);
    expect(existsSync(lockPath)).toBe(false); // released after the run
    expect(listPacks(path, rig.repo.packDir).filter((p) => !p.cruft)).toHaveLength(1);
    fsckClean(path);
  });

  it("skips while another git gc works on the repository (gc takes no maintenance.lock)", async () => {
    const path = twoPacks();
    const hook = blockingHook(path);
    const gc = spawnTracked("git", ["gc", "--auto"], { cwd: path });
    await waitFor(() => existsSync(hook.started), { what: "git gc --auto to run its hook" });
    expect(existsSync(join(path, "objects", "maintenance.lock"))).toBe(false);

    const rig = await startCruft(path);
    const { data } = await rig.repack("auto");
    expect(data.skipped).toMatch(new RegExp(`another git gc is working on this repository: pid ${gc.pid} \\(.*gc --auto`));
    expect(listPacks(path, rig.repo.packDir)).toHaveLength(2);

    hook.release();
    await exited(gc);
    const { data: after } = await rig.repack("auto");
    expect(after.skipped).toBeUndefined();
    expect(after.steps.every((s) => s.ok)).toBe(true);
    fsckClean(path);
  });
});
