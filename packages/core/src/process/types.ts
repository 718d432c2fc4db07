import type { Repository } from "../repo/types.js";
import type { TmpEntry } from "../repo/tmpfiles-types.js";

/** What ProcessTable knows about one process. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  /** Start time in ms since the epoch (from /proc/<pid>/stat starttime + boot time). */
  startTime: number;
  /** Raw start time in clock ticks since boot (stable identity with pid). */
  startTicks: number;
  /** Short name from /proc/<pid>/comm. */
  comm: string;
  /** argv; empty for kernel threads or when unreadable. */
  argv: string[];
  /** Working directory, or undefined when it cannot be read. */
  cwd: string | undefined;
  /** False when fds/cwd could not be read (permission): such a process "might hold anything". */
  inspectable: boolean;
  /** State letter from /proc/<pid>/stat (R, S, D, T stopped, Z zombie...). */
  state: string;
}

/** One open descriptor. */
export interface FdInfo {
  pid: number;
  fd: number;
  /** readlink target; for deleted files ends with " (deleted)". */
  target: string;
}

export interface ScanRequest {
  /** Also read every process's descriptors (needed for holders()). */
  fds?: boolean;
  /**
   * Accept a snapshot taken at most this long ago (by any caller; one with fds serves a request
   * without). For periodic pollers that can share one scan. Default 0: always a fresh scan —
   * safety decisions (liveness) never pass this.
   */
  maxAgeMs?: number;
}

/** A /proc scan, cached: queries on the same snapshot never re-read /proc. */
export interface ProcSnapshot {
  readonly takenAt: number;
  readonly processes: readonly ProcInfo[];
  get(pid: number): ProcInfo | undefined;
  /** Pids holding `path` open, plus pids that could not be inspected (they might hold it). */
  holders(path: string): { pids: number[]; uninspectable: number[] };
  /** All descriptors of a process (empty if not inspectable). */
  fdsOf(pid: number): FdInfo[];
  /** Total number of descriptors seen in this scan. */
  readonly fdCount: number;
}

export type GitRole =
  | "repack"
  | "gc"
  | "maintenance"
  | "pack-objects"
  | "index-pack"
  | "receive-pack"
  | "upload-pack"
  | "fetch"
  | "prune"
  | "commit-graph"
  | "multi-pack-index"
  | "add"
  | "other";

export interface GitProcInfo extends ProcInfo {
  /** The git subcommand role, e.g. "repack". */
  role: GitRole;
  /** "certain": cwd/--git-dir/GIT_DIR ties it to this repo; "possible": could not rule it out. */
  match: "certain" | "possible";
}

export interface LivenessVerdict {
  dead: boolean;
  /** Human reason: "held open by pid 123 (git)", "git pid 77 started before it changed", ... */
  reason: string;
}

/** A process `LivenessOptions.ignorePids` names: a pid with its start time, or a bare pid (see there). */
export type IgnoredPid = number | { pid: number; /** Start time in clock ticks since boot. */ startTicks: number };

export interface LivenessOptions {
  /** Clock slack between file times and process start times (default 5000 ms). */
  slackMs?: number;
  /**
   * Processes not counted as holders or possible writers (rules 1 and 2), e.g. gitmaint itself.
   * Prefer `{ pid, startTicks }`: it is ignored only while that pid still has that start time, so
   * an unrelated process that reused the pid is never ignored. A bare number ignores whatever
   * process has that pid: only for processes known to be dead (then it changes nothing) or our own.
   */
  ignorePids?: readonly IgnoredPid[];
  /** A snapshot to reuse; a fresh scan with fds is taken otherwise. */
  snapshot?: ProcSnapshot;
}

export interface ProcessTableApi {
  /** True where /proc is available. */
  readonly supported: boolean;
  /** Take a fresh scan. With `fds: true` the fd index is built too. */
  scan(options?: ScanRequest): Promise<ProcSnapshot>;
  /** kill(pid, 0): true if alive (EPERM counts as alive); zombies count as dead. */
  isAlive(pid: number): boolean;
  /** Start time in clock ticks since boot, or undefined if the process is gone. */
  startTicksOf(pid: number): number | undefined;
  /** Live git processes working on the repository (conservative: includes "possible" matches). */
  gitProcessesFor(repo: Repository, snapshot?: ProcSnapshot): Promise<GitProcInfo[]>;
  /**
   * The open descriptors of one process, read now (no full scan); undefined when the process is
   * gone or cannot be inspected.
   */
  fdsOf(pid: number): FdInfo[] | undefined;
  /**
   * Files the process has memory-mapped (git mmaps packs and may close their descriptors), with
   * `deleted` for files removed while mapped; undefined when the process is gone or unreadable.
   */
  mappedFilesOf(pid: number): Array<{ path: string; deleted: boolean; bytes: number }> | undefined;
  /** Processes' environment variable (e.g. GIT_DIR); undefined when unreadable. */
  envOf(pid: number, name: string): string | undefined;
  /**
   * The core liveness proof for a temporary file or directory (tmp-pack-reaper's rules 1–3):
   * dead only if no process holds it (or anything inside it) open, no live git process that
   * could be its writer started before its last change (minus slack), and a pid named by it is dead.
   */
  liveness(
    repo: Repository,
    entry: TmpEntry,
    options?: LivenessOptions,
  ): Promise<LivenessVerdict>;
  /** Register a child gitmaint started (GitRunner does this). */
  registerChild(child: OwnedChild): void;
  unregisterChild(pid: number): void;
  /** gitmaint's own live children. */
  ownedChildren(): OwnedChild[];
}

export interface OwnedChild {
  pid: number;
  runId: number;
  owner: string;
  repo: string | undefined;
  argv: string[];
  startedAt: number;
}
