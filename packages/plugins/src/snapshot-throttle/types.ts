/**
 * Public types of the snapshot library: options, results, the Snapshotter interface and its error.
 */
import { GitmaintError } from "@gitmaint/core";
import type { BusLike, GitRunnerApi, JournalApi, ProcessTableApi } from "@gitmaint/core";

/** Options of `createSnapshotter`. */
export interface SnapshotterOptions {
  /** The side git dir holding the snapshots (created, bare, when missing). */
  gitDir: string;
  /** The work tree to snapshot. */
  workTree: string;
  /** Time limit of one snapshot (all its git runs together); the process tree is killed after it. Default 30 s. */
  timeoutMs?: number;
  /** Within this many ms of the last good snapshot, `track()` returns it (fresh: false) unless `force`. Default 1000. */
  minIntervalMs?: number;
  /** Untracked files larger than this are never added. Default 2 MiB. */
  maxFileBytes?: number;
  /** Extra gitignore-style patterns, written to `<gitDir>/info/exclude`. */
  exclude?: readonly string[];
  /** Retention: newest snapshots kept reachable (default 100; the newest one is always kept). */
  keepCount?: number;
  /** Retention: snapshots older than this become collectable (default 7 days). */
  keepMaxAgeMs?: number;
  /** The GitRunner to use. Default: a new GitRunner on `bus`/`processes`. */
  git?: GitRunnerApi;
  /** Used to prove leftovers dead before removing them. Default: a new ProcessTable. */
  processes?: ProcessTableApi;
  /** Every leftover removed is journaled here first. Default: a Journal in gitmaint's state dir (`stateDir()`: `$GITMAINT_STATE_DIR`, `$XDG_STATE_HOME/gitmaint` or `~/.local/state/gitmaint`). */
  journal?: JournalApi;
  /** Bus for the default GitRunner's events (ignored when `git` is given). */
  bus?: BusLike;
  /** Attribution of the runs (default "snapshot-throttle"). */
  owner?: string;
  /** Delay between SIGTERM and SIGKILL of a timed-out run (default 1000 ms). */
  killGraceMs?: number;
}

/** Result of `track()`. */
export interface TrackResult {
  /** The tree object id. */
  tree: string;
  /** True when the tree was written by a run that started after this call. */
  fresh: boolean;
}

/** One changed path between two snapshot trees. */
export interface SnapshotChange {
  /** A added, D deleted, M modified, T type changed. */
  status: "A" | "D" | "M" | "T";
  path: string;
}

/** Result of `restore()`. */
export interface RestoreResult {
  /** The snapshot taken right before restoring (restore it to undo the restore). */
  before: string;
  /** Paths written from the restored tree. */
  written: string[];
  /** Paths removed (present before, absent in the restored tree). */
  removed: string[];
}

/** A snapshot kept reachable under `refs/gitmaint/snapshots/`. */
export interface SnapshotRef {
  ref: string;
  tree: string;
  /** When it was taken (ms since the epoch). */
  at: number;
}

export interface Snapshotter {
  /** Absolute side git dir. */
  readonly gitDir: string;
  /** Absolute work tree. */
  readonly workTree: string;
  /** Snapshots the work tree: single-flight, throttled, checked. Throws SnapshotError, never returns a stale tree as fresh. */
  track(options?: { force?: boolean }): Promise<TrackResult>;
  /** Paths that differ between two trees (`git diff-tree -r`). */
  diff(fromTree: string, toTree: string, paths?: readonly string[]): Promise<SnapshotChange[]>;
  /** Makes the work tree (or only `paths`) match `tree`, after snapshotting the current state. */
  restore(tree: string, paths?: readonly string[]): Promise<RestoreResult>;
  /** The snapshots currently kept reachable, newest first. */
  list(): Promise<SnapshotRef[]>;
  /** Counters: git runs started, snapshots written, failures. */
  stats(): SnapshotterStats;
}

export interface SnapshotterStats {
  runs: number;
  written: number;
  throttled: number;
  joined: number;
  failures: number;
  lastTree: string | undefined;
  lastAt: number | undefined;
}

/** A snapshot failed (git error, timeout, a live lock in the way). Exit code 1. */
export class SnapshotError extends GitmaintError {
  readonly timedOut: boolean;
  constructor(message: string, options: { timedOut?: boolean; cause?: unknown } = {}) {
    super(message, "E_SNAPSHOT", 1, { cause: options.cause });
    this.timedOut = options.timedOut ?? false;
  }
}
