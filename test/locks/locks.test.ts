import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { AbortError, LockBusyError } from "../../packages/core/src/errors.js";
import { Bus } from "../../packages/core/src/events/bus.js";
import type { ActionEvent } from "../../packages/core/src/events/types.js";
import { Journal } from "../../packages/core/src/journal/journal.js";
import { Locks, locksDirOf, readLockHolder } from "../../packages/core/src/locks/locks.js";
import { ProcessTable } from "../../packages/core/src/process/table.js";
import { cleanupAll, makeRepo, repoOf, tempDir, waitFor } from "../helpers/fixtures.js";
import { assertDistFresh, deadPid, startAgent } from "../helpers/locks.js";

afterEach(async () => {
  await Promise.all(instances.splice(0).map((l) => l.releaseAll()));
  await cleanupAll();
});

const processes = new ProcessTable();
const instances: Locks[] = [];

function setup(): { repo: ReturnType<typeof repoOf>; locks: Locks; actions: ActionEvent[]; journal: Journal } {
  const repo = repoOf(makeRepo());
  const bus = new Bus();
  const actions: ActionEvent[] = [];
  bus.on("action", (e) => void actions.push(e));
  const journal = new Journal({ dir: tempDir("state-") });
  const locks = new Locks({ processes, bus, journal, owner: "test", pollMs: 20 });
  instances.push(locks);
  return { repo, locks, actions, journal };
}

function writeHolder(path: string, holder: object): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, JSON.stringify(holder) + "\n");
}

describe("Locks in one process", () => {
  it("excludes a second acquirer (same or other instance) until release, which wakes a waiter", async () => {
    const { repo, locks } = setup();
    const other = new Locks({ processes, pollMs: 5_000 });
    instances.push(other);
    const h = await locks.acquire(repo, "fetch");
    const file = join(locksDirOf(repo), "fetch.lock");
    expect(await readLockHolder(file)).toMatchObject({ pid: process.pid, owner: "test", host: hostname() });
    expect((await readLockHolder(file))?.startTicks).toBe(processes.startTicksOf(process.pid));

    await expect(locks.acquire(repo, "fetch")).rejects.toThrow(/lock fetch is held by this process/);
    await expect(other.acquire(repo, "fetch")).rejects.toBeInstanceOf(LockBusyError);
    expect(await other.tryAcquire(repo, "fetch")).toBeNull();
    // other names are independent
    await (await other.acquire(repo, "snapshot")).release();

    // pollMs is 5 s: only the in-process wake-up makes this finish quickly
    const waiting = other.acquire(repo, "fetch", { waitMs: 20_000 });
    setTimeout(() => void h.release(), 50);
    const started = Date.now();
    const h2 = await waiting;
    expect(Date.now() - started).toBeLessThan(4_000);
    expect((await readLockHolder(file))?.owner).toBe("gitmaint");
    await h2.release();
    await h2.release(); // idempotent
    expect(existsSync(file)).toBe(false);
  });

  it("withLock releases after the function, even when it throws; abort stops a wait", async () => {
    const { repo, locks } = setup();
    await expect(locks.withLock(repo, "fetch", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await locks.withLock(repo, "fetch", () => Promise.resolve(42))).toBe(42);
    const h = await locks.acquire(repo, "fetch");
    const ac = new AbortController();
    const waiting = locks.acquire(repo, "fetch", { waitMs: 30_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    await h.release();
    await expect(locks.acquire(repo, "../x")).rejects.toThrow(/invalid lock name/);
  });

  it("release never deletes a lock file whose content is not ours", async () => {
    const { repo, locks } = setup();
    const h = await locks.acquire(repo, "maintenance");
    const mine = join(locksDirOf(repo), "maintenance.lock");
    const git = join(repo.objectsDir, "maintenance.lock");
    expect(readFileSync(git, "utf8")).toBe(readFileSync(mine, "utf8"));
    const foreign = { pid: 1, startTicks: 1, host: hostname(), owner: "someone", acquiredAt: 1 };
    writeHolder(mine, foreign);
    writeFileSync(git, "");
    await h.release();
    expect(await readLockHolder(mine)).toEqual(foreign);
    expect(existsSync(git)).toBe(true);
  });

  it("releaseAll releases every lock of the instance", async () => {
    const { repo, locks } = setup();
    await locks.acquire(repo, "fetch");
    await locks.acquire(repo, "maintenance");
    await locks.releaseAll();
    expect(existsSync(join(locksDirOf(repo), "fetch.lock"))).toBe(false);
    expect(existsSync(join(repo.objectsDir, "maintenance.lock"))).toBe(false);
  });
});

describe("Locks across processes", () => {
  beforeAll(() => assertDistFresh());

  it("a lock held by another live process is busy, naming its pid; free again after it releases", async () => {
    const { repo, locks } = setup();
    const agent = await startAgent(repo);
    expect(await agent.send("acquire fetch")).toMatchObject({ ok: true });
    const err = await locks.acquire(repo, "fetch").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockBusyError);
    expect((err as Error).message).toContain(`gitmaint pid ${agent.pid} (owner agent-${agent.pid})`);
    expect((await locks.list(repo)).find((l) => l.name === "fetch")).toMatchObject({ state: "held", holder: { pid: agent.pid } });

    // and the other way round
    const mine = await locks.acquire(repo, "snapshot");
    const reply = await agent.send("acquire snapshot");
    expect(reply).toMatchObject({ ok: false, code: "E_LOCK_BUSY" });
    expect(reply.error).toContain(`gitmaint pid ${process.pid}`);
    expect((await locks.list(repo)).find((l) => l.name === "snapshot")?.state).toBe("held-by-us");
    await mine.release();

    const waiting = locks.acquire(repo, "fetch", { waitMs: 20_000 });
    expect(await agent.send("release fetch")).toMatchObject({ ok: true });
    await (await waiting).release();
  });

  it("a holder killed with SIGKILL leaves a stale lock that is reported and taken over", async () => {
    const { repo, locks, actions, journal } = setup();
    const agent = await startAgent(repo);
    expect(await agent.send("acquire maintenance")).toMatchObject({ ok: true });
    await expect(locks.acquire(repo, "maintenance")).rejects.toThrow(`gitmaint pid ${agent.pid}`);
    agent.child.kill("SIGKILL");
    await waitFor(() => !processes.isAlive(agent.pid), { what: "agent death" });
    expect((await locks.list(repo)).map((l) => [l.name, l.state])).toEqual([
      ["maintenance", "stale"],
      ["git:maintenance", "stale"],
    ]);

    const h = await locks.acquire(repo, "maintenance");
    expect((await readLockHolder(join(repo.objectsDir, "maintenance.lock")))?.pid).toBe(process.pid);
    const taken = actions.filter((a) => a.kind === "lock-taken-over");
    expect(taken).toHaveLength(2);
    expect(taken[0]!.message).toMatch(new RegExp(`holder pid ${agent.pid} is dead`));
    expect(taken.map((a) => a.paths?.[0])).toEqual([join(locksDirOf(repo), "maintenance.lock"), join(repo.objectsDir, "maintenance.lock")]);
    const entries = await journal.read(repo.id, { op: "lock-takeover" });
    expect(entries.map((e) => e.path)).toEqual(["gitmaint/locks/maintenance.lock", "objects/maintenance.lock"]);
    expect(entries[0]).toMatchObject({ plugin: "test", details: { lock: "maintenance", holder: { pid: agent.pid } } });
    await h.release();
  });
});

describe("stale detection", () => {
  it("pid reused (alive, other start time) is stale; the same pid with its real start time is not", async () => {
    const { repo, locks, actions } = setup();
    const file = join(locksDirOf(repo), "fetch.lock");
    const parent = process.ppid;
    const ticks = processes.startTicksOf(parent)!;
    expect(ticks).toBeGreaterThan(0);
    const holder = { pid: parent, startTicks: ticks, host: hostname(), owner: "old", acquiredAt: Date.now() - 1000 };
    writeHolder(file, holder);
    await expect(locks.acquire(repo, "fetch")).rejects.toThrow(`gitmaint pid ${parent} (owner old)`);
    expect(actions).toEqual([]);

    writeHolder(file, { ...holder, startTicks: ticks - 7 });
    const h = await locks.acquire(repo, "fetch");
    expect(actions).toHaveLength(1);
    expect(actions[0]!.message).toContain(`holder pid ${parent} was reused`);
    await h.release();
  });

  it("a lock from another host is kept for 24 h, then taken over", async () => {
    const { repo, locks, actions } = setup();
    const file = join(locksDirOf(repo), "fetch.lock");
    writeHolder(file, { pid: deadPid(), startTicks: 1, host: "elsewhere", owner: "x", acquiredAt: 1 });
    await expect(locks.acquire(repo, "fetch")).rejects.toThrow(/on elsewhere/);
    const old = (Date.now() - 25 * 3600_000) / 1000;
    utimesSync(file, old, old);
    await (await locks.acquire(repo, "fetch")).release();
    expect(actions[0]?.message).toMatch(/host elsewhere/);
  });

  it("an unreadable gitmaint lock file is busy while young and stale when old", async () => {
    const { repo, locks } = setup();
    const file = join(locksDirOf(repo), "fetch.lock");
    mkdirSync(locksDirOf(repo), { recursive: true });
    writeFileSync(file, "");
    await expect(locks.acquire(repo, "fetch")).rejects.toThrow(/unknown process/);
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(file, old, old);
    await (await locks.acquire(repo, "fetch")).release();
  });

  it("removes what a killed gitmaint left mid-operation (tmp, aside, guard files of dead pids) and nothing else", async () => {
    const { repo, locks, journal } = setup();
    const dir = locksDirOf(repo);
    mkdirSync(dir, { recursive: true });
    const dead = deadPid();
    const guardHolder = JSON.stringify({ pid: dead, startTicks: 1, host: hostname(), owner: "x", acquiredAt: 1 }) + "\n";
    const liveGuard = JSON.stringify({ pid: process.ppid, startTicks: processes.startTicksOf(process.ppid), host: hostname(), owner: "x", acquiredAt: 1 }) + "\n";
    writeFileSync(join(dir, `.gitmaint-tmp-${dead}-0a1b`), "x");
    writeFileSync(join(dir, `fetch.lock.stale-${dead}-00ff`), "x");
    writeFileSync(join(dir, "fetch.takeover-0123456789abcdef"), guardHolder);
    writeFileSync(join(dir, `.gitmaint-tmp-${process.ppid}-0a1b`), "x");
    writeFileSync(join(dir, "snapshot.takeover-fedcba9876543210"), liveGuard);
    writeFileSync(join(repo.objectsDir, `.gitmaint-tmp-${dead}-77`), "x");
    writeFileSync(join(repo.objectsDir, `maintenance.lock.stale-${dead}-77`), "x");
    writeFileSync(join(repo.objectsDir, "unrelated.stale"), "x");
    const h = await locks.acquire(repo, "maintenance");
    expect(readdirSync(dir).sort()).toEqual([`.gitmaint-tmp-${process.ppid}-0a1b`, "maintenance.lock", "snapshot.takeover-fedcba9876543210"]);
    expect(readdirSync(repo.objectsDir).filter((n) => n.includes("."))).toEqual(["maintenance.lock", "unrelated.stale"]);
    await h.release();
    // every removal is in the journal (invariant 6)
    const deleted = (await journal.read(repo.id)).filter((e) => e.op === "delete").map((e) => e.path ?? "");
    expect(deleted.sort()).toEqual(
      [
        `gitmaint/locks/.gitmaint-tmp-${dead}-0a1b`,
        `gitmaint/locks/fetch.lock.stale-${dead}-00ff`,
        "gitmaint/locks/fetch.takeover-0123456789abcdef",
        `objects/.gitmaint-tmp-${dead}-77`,
        `objects/maintenance.lock.stale-${dead}-77`,
      ].sort(),
    );
  });
});
