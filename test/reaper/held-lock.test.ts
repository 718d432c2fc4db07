/**
 * gitmaint's own held `objects/maintenance.lock` (written by Locks with its JSON holder, no fd
 * kept open) is never reaped while its holder lives, even when it is old and the only git
 * process running started after it; once released, a stale copy naming a dead pid is reaped.
 */
import type { ChildProcess } from "node:child_process";
import { lstatSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Locks, ProcessTable } from "@gitmaint/core";
import { cleanupAll, makeRepo, spawnTracked, waitFor } from "../helpers/fixtures.js";
import { deadPid } from "../helpers/locks.js";
import { stopRigs, startReaper } from "../helpers/reaper.js";

const handles: { release(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.release().catch(() => {})));
  await stopRigs();
  await cleanupAll();
});

const HOUR_AGO = new Date(Date.now() - 3_600_000);

/**
 * Starts a long-lived git (`cat-file --batch`) in `dir` once its start time, as computed from
 * /proc (boot time has 1 s resolution), is surely after `changedMs`; asserts it is.
 */
async function gitStartedAfter(dir: string, processes: ProcessTable, changedMs: number): Promise<ChildProcess> {
  await waitFor(() => Date.now() > changedMs + 1_100, { what: "a second after the change" });
  const child = spawnTracked("git", ["cat-file", "--batch"], { cwd: dir, stdio: ["pipe", "ignore", "ignore"] });
  const started = await waitFor(() => processes.scan().then((s) => s.get(child.pid!)?.startTime), { what: "git in /proc" });
  expect(started).toBeGreaterThan(changedMs);
  return child;
}

describe("tmp-pack-reaper and gitmaint's maintenance lock", () => {
  it("keeps the lock while its holder lives (a git started after it is no writer); reaps a dead holder's copy", async () => {
    const dir = makeRepo();
    // slackMs 0: a git process that started after the lock's last change is not its possible writer.
    const r = await startReaper(dir, { slackMs: 0 });
    const processes = new ProcessTable();
    const locks = new Locks({ processes, owner: "cruft-writer" });
    const handle = await locks.acquire(r.repo, "maintenance");
    handles.push(handle);
    const lock = join(r.repo.objectsDir, "maintenance.lock");
    utimesSync(lock, HOUR_AGO, HOUR_AGO);
    const changed = Math.max(lstatSync(lock).mtimeMs, lstatSync(lock).ctimeMs);

    // The "running git step": a long-lived git in the repository, started after the lock changed.
    const step = await gitStartedAfter(dir, processes, changed);

    const held = await r.reap({ minAgeMs: 0 });
    expect(held.deleted).toEqual([]);
    expect(held.kept.find((k) => k.path === "objects/maintenance.lock")?.reason).toBe(`gitmaint lock holder pid ${process.pid} is alive`);
    expect(lstatSync(lock).isFile()).toBe(true);

    // The step finishes and the lock is released; later a copy naming a dead pid is left behind
    // (and another git starts after it).
    const exited = new Promise((res) => step.once("exit", res));
    step.kill("SIGKILL");
    await exited;
    await handle.release();
    writeFileSync(lock, JSON.stringify({ pid: deadPid(), startTicks: 1, host: hostname(), owner: "cruft-writer", acquiredAt: 1 }) + "\n");
    utimesSync(lock, HOUR_AGO, HOUR_AGO);
    await gitStartedAfter(dir, processes, Math.max(lstatSync(lock).mtimeMs, lstatSync(lock).ctimeMs));
    const stale = await r.reap({ minAgeMs: 0 });
    expect(stale.kept).toEqual([]);
    expect(stale.deleted.map((d) => d.path)).toEqual(["objects/maintenance.lock"]);
    expect(() => lstatSync(lock)).toThrow();
  });

  it("keeps a lock whose holder is on another host", async () => {
    const r = await startReaper(makeRepo(), { slackMs: 0 });
    const lock = join(r.repo.objectsDir, "maintenance.lock");
    writeFileSync(lock, JSON.stringify({ pid: deadPid(), startTicks: 1, host: `not-${hostname()}`, owner: "x", acquiredAt: 1 }) + "\n");
    utimesSync(lock, HOUR_AGO, HOUR_AGO);
    const data = await r.reap({ minAgeMs: 0 });
    expect(data.deleted).toEqual([]);
    expect(data.kept.find((k) => k.path === "objects/maintenance.lock")?.reason).toMatch(/on another host \(not-/);
  });
});
