import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LockBusyError } from "../../packages/core/src/errors.js";
import { Bus } from "../../packages/core/src/events/bus.js";
import type { ActionEvent } from "../../packages/core/src/events/types.js";
import { Journal } from "../../packages/core/src/journal/journal.js";
import { Locks, locksDirOf, readLockHolder } from "../../packages/core/src/locks/locks.js";
import { ProcessTable } from "../../packages/core/src/process/table.js";
import { cleanupAll, git, gitEnv, makeRepo, repoOf, spawnTracked, tempDir, waitFor } from "../helpers/fixtures.js";

const processes = new ProcessTable();
const instances: Locks[] = [];

afterEach(async () => {
  await Promise.all(instances.splice(0).map((l) => l.releaseAll()));
  await cleanupAll();
});

function setup(): { repo: ReturnType<typeof repoOf>; path: string; locks: Locks; actions: ActionEvent[]; journal: Journal } {
  const path = makeRepo({ commits: 2 });
  const repo = repoOf(path);
  const bus = new Bus();
  const actions: ActionEvent[] = [];
  bus.on("action", (e) => void actions.push(e));
  const journal = new Journal({ dir: tempDir("state-") });
  const locks = new Locks({ processes, bus, journal, owner: "cruft-writer", pollMs: 50 });
  instances.push(locks);
  return { repo, path, locks, actions, journal };
}

const gitLock = (repo: { objectsDir: string }): string => join(repo.objectsDir, "maintenance.lock");

function age(path: string, ms: number): void {
  const t = (Date.now() - ms) / 1000;
  utimesSync(path, t, t);
}

function busyMessage(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "acquired",
    (e: unknown) => (e instanceof LockBusyError ? e.message : Promise.reject(e)),
  );
}

describe("git's objects/maintenance.lock", () => {
  it("held open by a live process (git's lockfile API, emulated) → busy; acquired after it exits", async () => {
    const { repo, locks } = setup();
    // exactly what git does: O_CREAT|O_EXCL, empty, fd kept open; on exit: unlink
    const holder = spawnTracked(process.execPath, [
      "-e",
      `const fs = require("fs"); const p = process.argv[1]; const fd = fs.openSync(p, "wx");
       console.log("ready");
       process.stdin.once("data", () => { fs.unlinkSync(p); fs.closeSync(fd); process.exit(0); });`,
      gitLock(repo),
    ]);
    await waitFor(() => existsSync(gitLock(repo)), { what: "the emulated git lock" });
    age(gitLock(repo), 3600_000); // old: only the open descriptor proves it is live
    expect(await busyMessage(locks.acquire(repo, "maintenance"))).toBe(
      `lock maintenance is held by node (pid ${holder.pid})`,
    );
    // our own lock file was not left behind by the failed attempt
    expect(readdirSync(locksDirOf(repo))).toEqual([]);
    expect((await locks.list(repo)).map((l) => [l.name, l.state])).toEqual([["git:maintenance", "held"]]);

    const waiting = locks.acquire(repo, "maintenance", { waitMs: 30_000 });
    holder.stdin!.write("go\n");
    const h = await waiting;
    expect((await readLockHolder(gitLock(repo)))?.pid).toBe(process.pid);
    await h.release();
    expect(existsSync(gitLock(repo))).toBe(false);
  });

  it("a real `git maintenance run --task=gc` holding it → busy naming it; acquired once git finishes", async () => {
    const { repo, path, locks, actions } = setup();
    git(path, ["repack", "-a", "-d", "-q"]);
    // Keep git inside its run deterministically: pack access is traced into a FIFO nobody
    // reads yet, so the first packed-object read of gc blocks while maintenance holds the lock.
    const fifo = join(tempDir("fifo-"), "trace");
    execFileSync("mkfifo", [fifo]);
    const maint = spawnTracked("git", ["maintenance", "run", "--task=gc"], {
      cwd: path,
      env: { ...gitEnv(), GIT_TRACE_PACK_ACCESS: fifo },
    });
    let stderr = "";
    maint.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    await waitFor(() => existsSync(gitLock(repo)), { what: "git's maintenance.lock" });

    expect(await busyMessage(locks.acquire(repo, "maintenance"))).toBe(
      `lock maintenance is held by git maintenance (pid ${maint.pid})`,
    );
    const waiting = locks.acquire(repo, "maintenance", { waitMs: 30_000 });
    const exited = new Promise<number | null>((r) => maint.on("exit", r));
    spawnTracked("bash", ["-c", 'exec cat <> "$1" > /dev/null', "drain", fifo]); // let git go on
    const h = await waiting;
    expect(await exited).toBe(0);
    expect(stderr).toBe("");
    expect(actions).toEqual([]); // nothing was stale: git removed its own lock
    expect((await readLockHolder(gitLock(repo)))?.pid).toBe(process.pid);
    await h.release();
  });

  it("while gitmaint holds it, a real `git maintenance run` skips its work", async () => {
    const { repo, path, locks } = setup();
    const h = await locks.acquire(repo, "maintenance");
    const run = spawnSync("git", ["maintenance", "run", "--task=gc", "--no-quiet"], { cwd: path, env: gitEnv(), encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("lock file '.git/objects/maintenance' exists, skipping maintenance");
    expect(readdirSync(repo.packDir)).toEqual([]); // gc did not run (it would have packed the loose objects)
    expect((await readLockHolder(gitLock(repo)))?.pid).toBe(process.pid);
    await h.release();
    expect(spawnSync("git", ["maintenance", "run", "--task=gc"], { cwd: path, env: gitEnv() }).status).toBe(0);
    expect(readdirSync(repo.packDir).some((f) => f.endsWith(".pack"))).toBe(true);
  });

  it("an old empty lock with a live (SIGSTOPped) `git gc` on the repo → busy; stale once gc is gone", async () => {
    const { repo, path, locks, actions, journal } = setup();
    writeFileSync(gitLock(repo), "");
    age(gitLock(repo), 3600_000);
    const gc = spawnTracked("git", ["gc", "--quiet"], { cwd: path });
    process.kill(gc.pid!, "SIGSTOP");
    expect(await busyMessage(locks.acquire(repo, "maintenance"))).toBe(
      `lock maintenance is held by git gc (pid ${gc.pid})`,
    );
    const waiting = locks.acquire(repo, "maintenance", { waitMs: 30_000 });
    gc.kill("SIGKILL");
    const h = await waiting;
    expect(actions.map((a) => a.kind)).toEqual(["lock-taken-over"]);
    expect(actions[0]!.message).toMatch(/objects\/maintenance\.lock.*no process holds it open, 60 min old/);
    const [entry] = await journal.read(repo.id, { op: "lock-takeover" });
    expect(entry).toMatchObject({ plugin: "cruft-writer", path: "objects/maintenance.lock", bytes: 0 });
    await h.release();
  });

  it("an empty lock nobody holds is busy while young, taken over and reported when older than 60 s", async () => {
    const { repo, locks, actions, journal } = setup();
    writeFileSync(gitLock(repo), "");
    expect(await busyMessage(locks.acquire(repo, "maintenance"))).toMatch(/held by an unknown process \(git maintenance.lock with no holder, 0 s old\)/);
    expect(existsSync(gitLock(repo))).toBe(true);
    age(gitLock(repo), 61_000);
    expect((await locks.list(repo)).map((l) => [l.name, l.state])).toEqual([["git:maintenance", "stale"]]);
    const h = await locks.acquire(repo, "maintenance");
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ kind: "lock-taken-over", plugin: "cruft-writer", paths: [gitLock(repo)] });
    expect(await journal.read(repo.id, { op: "lock-takeover" })).toHaveLength(1);
    expect((await locks.list(repo)).map((l) => l.state)).toEqual(["held-by-us", "held-by-us"]);
    await h.release();
    expect(existsSync(gitLock(repo))).toBe(false);
  });
});
