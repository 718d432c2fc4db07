/**
 * Named per-repository locks (`maintenance`, `fetch`, `snapshot`, ...), exclusive across this
 * process AND across processes:
 * - in-process: a process-wide map of held lock files; a second acquirer in the same process
 *   waits or fails exactly like one in another process;
 * - cross-process: `<commonDir>/gitmaint/locks/<name>.lock`, created atomically with its holder
 *   `{pid, startTicks, host, owner, acquiredAt}` as content (see lockfile.ts);
 * - `maintenance` also takes git's own `<objects>/maintenance.lock`, which `git maintenance run`
 *   creates (O_EXCL, empty, fd kept open) and silently skips its work on when it exists.
 * A stale lock (see verdict.ts) is journaled (`lock-takeover`), announced on the bus (`action`
 * "lock-taken-over") and taken over (see takeover.ts). Release removes only files whose content
 * is still ours.
 */
import { mkdir, readdir } from "node:fs/promises";
import { hostname } from "node:os";
import { join, relative } from "node:path";
import { AbortError, LockBusyError } from "../errors.js";
import type { BusLike } from "../events/bus.js";
import type { JournalApi } from "../journal/types.js";
import type { ProcessTableApi } from "../process/types.js";
import type { Repository } from "../repo/types.js";
import type { AcquireOptions, LockHandle, LockHolder, LocksApi, LockStatus } from "./types.js";
import { formatHolder } from "./holder.js";
import { createWithContent, inspectLockFile, removeIfContent, type LockFileInfo } from "./lockfile.js";
import { sweepLeftovers } from "./sweep.js";
import { takeOverStale } from "./takeover.js";
import { judgeGitMaintenanceLock, judgeGitmaintLock, judgeHolder, type JudgeContext, type Verdict } from "./verdict.js";

export { readLockHolder } from "./holder.js";

export interface LocksOptions {
  processes: ProcessTableApi;
  bus?: BusLike;
  journal?: JournalApi;
  /** Default owner recorded in lock files (a plugin name). Default "gitmaint". */
  owner?: string;
  /** Poll interval while waiting for a busy lock. Default 200 ms. */
  pollMs?: number;
  /** An empty git maintenance.lock nobody holds is stale after this long. Default 60 s. */
  gitLockStaleMs?: number;
  /** A lock naming another host is stale after this long. Default 24 h. */
  foreignHostStaleMs?: number;
}

/** Lock file path → the exact content this process wrote (process-wide, across Locks instances). */
const ownFiles = new Map<string, string>();
/** gitmaint lock path → wake-ups of in-process waiters. */
const waiters = new Map<string, Set<() => void>>();

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The directory of gitmaint's lock files in a repository. */
export function locksDirOf(repo: Repository): string {
  return join(repo.commonDir, "gitmaint", "locks");
}

/** git's own maintenance lock of a repository. */
export function gitMaintenanceLockOf(repo: Repository): string {
  return join(repo.objectsDir, "maintenance.lock");
}

export class Locks implements LocksApi {
  readonly #processes: ProcessTableApi;
  readonly #bus: BusLike | undefined;
  readonly #journal: JournalApi | undefined;
  readonly #owner: string;
  readonly #pollMs: number;
  readonly #gitLockStaleMs: number;
  readonly #foreignHostStaleMs: number;
  readonly #host = hostname();
  readonly #handles = new Set<Handle>();
  #selfTicks: number | undefined | null = null;

  constructor(options: LocksOptions) {
    this.#processes = options.processes;
    this.#bus = options.bus;
    this.#journal = options.journal;
    this.#owner = options.owner ?? "gitmaint";
    this.#pollMs = options.pollMs ?? 200;
    this.#gitLockStaleMs = options.gitLockStaleMs ?? 60_000;
    this.#foreignHostStaleMs = options.foreignHostStaleMs ?? 24 * 3600_000;
  }

  async acquire(repo: Repository, name: string, options: AcquireOptions = {}): Promise<LockHandle> {
    if (!NAME.test(name)) throw new TypeError(`invalid lock name ${JSON.stringify(name)}`);
    const owner = options.owner ?? this.#owner;
    const deadline = Date.now() + Math.max(0, options.waitMs ?? 0);
    for (;;) {
      if (options.signal?.aborted) throw new AbortError(`waiting for lock ${name} was aborted`);
      const result = await this.#tryOnce(repo, name, owner);
      if (typeof result !== "string") return result;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new LockBusyError(name, result);
      await this.#sleep(Math.min(this.#pollMs, remaining), this.#pathOf(repo, name), options.signal);
    }
  }

  async tryAcquire(
    repo: Repository,
    name: string,
    options: Omit<AcquireOptions, "waitMs"> = {},
  ): Promise<LockHandle | null> {
    try {
      return await this.acquire(repo, name, { ...options, waitMs: 0 });
    } catch (error) {
      if (error instanceof LockBusyError) return null;
      throw error;
    }
  }

  async withLock<T>(repo: Repository, name: string, fn: () => Promise<T>, options?: AcquireOptions): Promise<T> {
    const handle = await this.acquire(repo, name, options);
    try {
      return await fn();
    } finally {
      await handle.release();
    }
  }

  /**
   * gitmaint's lock files of the repository (by lock name) and git's `objects/maintenance.lock`
   * (named "git:maintenance"), each held-by-us / held / stale. Judging git's lock scans /proc.
   */
  async list(repo: Repository): Promise<LockStatus[]> {
    const dir = locksDirOf(repo);
    let names: string[] = [];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith(".lock")).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const out: LockStatus[] = [];
    const ctx = this.#context();
    const add = async (name: string, info: LockFileInfo | undefined, judge: () => Promise<Verdict>): Promise<void> => {
      if (!info) return;
      const state = ownFiles.get(info.path) === info.text ? "held-by-us" : (await judge()).stale ? "stale" : "held";
      out.push({ name, state, holder: info.holder, path: info.path });
    };
    for (const file of names) {
      const info = await inspectLockFile(join(dir, file));
      await add(file.slice(0, -".lock".length), info, () => judgeGitmaintLock(info!, ctx));
    }
    const git = await inspectLockFile(gitMaintenanceLockOf(repo));
    await add("git:maintenance", git, () => judgeGitMaintenanceLock(repo, git!, ctx));
    return out;
  }

  async releaseAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const handle of [...this.#handles].reverse()) await handle.release().catch((e: unknown) => errors.push(e));
    if (errors.length > 0) throw errors[0];
  }

  /** One attempt: a handle, or a description of who holds the lock. */
  async #tryOnce(repo: Repository, name: string, owner: string): Promise<Handle | string> {
    const path = this.#pathOf(repo, name);
    if (ownFiles.has(path)) return this.#describeOwn(path);
    const text = formatHolder(this.#holder(owner));
    ownFiles.set(path, text); // reserve synchronously: in-process exclusion
    const gitPath = gitMaintenanceLockOf(repo);
    const created: string[] = [];
    let handle: Handle | undefined;
    try {
      await mkdir(locksDirOf(repo), { recursive: true });
      const record = (path: string, reason: string): Promise<void> =>
        this.#journal?.append({ repo: repo.id, plugin: owner, op: "delete", path: relative(repo.commonDir, path), reason }) ?? Promise.resolve();
      await sweepLeftovers(locksDirOf(repo), this.#processes, record);
      if (name === "maintenance") await sweepLeftovers(repo.objectsDir, this.#processes, record);
      const mine = await this.#takeFile(repo, name, owner, path, text, (info, ctx) => judgeGitmaintLock(info, ctx));
      if (mine !== true) return mine;
      created.push(path);
      if (name === "maintenance") {
        ownFiles.set(gitPath, text);
        const judge = (info: LockFileInfo, ctx: JudgeContext): Promise<Verdict> => judgeGitMaintenanceLock(repo, info, ctx);
        const theirs = await this.#takeFile(repo, name, owner, gitPath, text, judge);
        if (theirs !== true) return theirs;
        created.push(gitPath);
      }
      const h = new Handle(name, repo.id, created, text, () => this.#handles.delete(h));
      this.#handles.add(h);
      handle = h;
      return h;
    } finally {
      if (!handle) {
        for (const file of [...created].reverse()) await removeIfContent(file, text).catch(() => {});
        forget(gitPath, text);
        forget(path, text);
      }
    }
  }

  /** Creates `path`, taking over a stale file in the way: true, or who holds it. */
  async #takeFile(
    repo: Repository,
    name: string,
    owner: string,
    path: string,
    text: string,
    judge: (info: LockFileInfo, ctx: JudgeContext) => Promise<Verdict>,
  ): Promise<true | string> {
    let last = "another process taking it over";
    for (let attempt = 0; attempt < 4; attempt++) {
      if (await createWithContent(path, text)) return true;
      const info = await inspectLockFile(path);
      if (!info) continue;
      const ctx = this.#context();
      const verdict = await judge(info, ctx);
      if (!verdict.stale) return verdict.who;
      last = `${verdict.who} (stale: being taken over by another process)`;
      const result = await takeOverStale({
        info,
        guardDir: locksDirOf(repo),
        guardPrefix: path === this.#pathOf(repo, name) ? name : `git-${name}`,
        guardText: text,
        guardIsStale: (guard) =>
          guard.holder !== undefined && guard.holder.pid !== process.pid && judgeHolder(guard.holder, guard, ctx).stale,
        beforeRemove: () => this.#journalTakeover(repo, name, owner, info, verdict),
      });
      if (result === "removed") this.#announceTakeover(repo, name, owner, info, verdict);
    }
    return last;
  }

  async #journalTakeover(repo: Repository, name: string, owner: string, info: LockFileInfo, v: Verdict): Promise<void> {
    await this.#journal?.append({
      repo: repo.id,
      plugin: owner,
      op: "lock-takeover",
      path: relative(repo.commonDir, info.path),
      bytes: info.size,
      reason: `stale lock ${name}: ${v.reason}`,
      details: { lock: name, file: info.path, holder: info.holder ?? null, content: info.holder ? undefined : info.text },
    });
  }

  #announceTakeover(repo: Repository, name: string, owner: string, info: LockFileInfo, v: Verdict): void {
    this.#bus?.emit("action", {
      repo: repo.id,
      at: Date.now(),
      plugin: owner,
      kind: "lock-taken-over",
      message: `took over stale lock ${name} (${relative(repo.commonDir, info.path)}): ${v.reason}`,
      paths: [info.path],
      details: { lock: name, holder: info.holder ?? null, reason: v.reason },
    });
  }

  #context(): JudgeContext {
    return {
      processes: this.#processes,
      host: this.#host,
      selfStartTicks: this.#startTicks(),
      ownedHere: (info) => ownFiles.get(info.path) === info.text,
      gitLockStaleMs: this.#gitLockStaleMs,
      foreignHostStaleMs: this.#foreignHostStaleMs,
      now: Date.now(),
    };
  }

  #holder(owner: string): LockHolder {
    return { pid: process.pid, startTicks: this.#startTicks(), host: this.#host, owner, acquiredAt: Date.now() };
  }

  #startTicks(): number | undefined {
    if (this.#selfTicks === null) this.#selfTicks = this.#processes.startTicksOf(process.pid);
    return this.#selfTicks;
  }

  #pathOf(repo: Repository, name: string): string {
    return join(locksDirOf(repo), `${name}.lock`);
  }

  #describeOwn(path: string): string {
    const text = ownFiles.get(path) ?? "";
    const owner = /"owner":("[^"]*")/.exec(text)?.[1];
    return `this process (pid ${process.pid}${owner ? `, owner ${JSON.parse(owner) as string}` : ""})`;
  }

  /** Sleeps `ms`, waking early when a lock of this process is released or the signal aborts. */
  #sleep(ms: number, path: string, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      let set = waiters.get(path);
      if (!set) waiters.set(path, (set = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && waiters.get(path) === set) waiters.delete(path);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}

/** A held lock. */
class Handle implements LockHandle {
  #released = false;
  constructor(
    readonly name: string,
    readonly repo: string,
    private readonly files: string[],
    private readonly text: string,
    private readonly onRelease: () => void,
  ) {}

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    let failure: unknown;
    for (const file of [...this.files].reverse()) {
      try {
        await removeIfContent(file, this.text);
      } catch (error) {
        failure ??= error;
      }
      forget(file, this.text);
    }
    this.onRelease();
    if (failure !== undefined) throw failure;
  }
}

/** Drops our in-process record of a file (if it still is ours) and wakes waiters. */
function forget(path: string, text: string): void {
  if (ownFiles.get(path) !== text) return;
  ownFiles.delete(path);
  for (const wake of [...(waiters.get(path) ?? [])]) wake();
}

