import type { Repository } from "../repo/types.js";

/** Information a lock file holds about its holder. */
export interface LockHolder {
  pid: number;
  /** Process start time in clock ticks since boot (pid + start time identify the holder). */
  startTicks: number | undefined;
  host: string;
  owner: string;
  acquiredAt: number;
}

export interface LockHandle {
  readonly name: string;
  readonly repo: string;
  /** Releases the lock (idempotent). */
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** Who takes it (plugin name). */
  owner?: string;
  /** Wait up to this many ms for a busy lock (default 0: fail at once with LockBusyError). */
  waitMs?: number;
  signal?: AbortSignal;
}

export interface LockStatus {
  name: string;
  /** "held-by-us", "held" (another live process), "stale" (dead holder) */
  state: "held-by-us" | "held" | "stale";
  holder: LockHolder | undefined;
  path: string;
}

export interface LocksApi {
  /**
   * Takes the named per-repository lock: in-process and cross-process (a file under the git dir).
   * `maintenance` also takes git's `objects/maintenance.lock`. A stale lock (dead holder, or pid
   * reused: start time differs) is reported (as an `action` "lock-taken-over") and taken over.
   */
  acquire(repo: Repository, name: string, options?: AcquireOptions): Promise<LockHandle>;
  /** Like acquire but resolves null instead of throwing LockBusyError. */
  tryAcquire(repo: Repository, name: string, options?: Omit<AcquireOptions, "waitMs">): Promise<LockHandle | null>;
  /** Runs fn under the lock, releasing it afterwards. */
  withLock<T>(repo: Repository, name: string, fn: () => Promise<T>, options?: AcquireOptions): Promise<T>;
  /** Locks currently present for the repo (gitmaint's and git's maintenance.lock). */
  list(repo: Repository): Promise<LockStatus[]>;
  /** Releases every lock this process holds. */
  releaseAll(): Promise<void>;
}
