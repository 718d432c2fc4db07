import type { Repository } from "../repo/types.js";

export interface GitVersion {
  major: number;
  minor: number;
  patch: number;
  /** e.g. "2.39.5" */
  text: string;
}

export interface GitRunOptions {
  /**
   * Run against this repository: `--git-dir=<gitDir>` goes before the subcommand and the child
   * runs in the work tree (the git dir when bare). Needed for the cleanup after failures.
   */
  repo?: Repository;
  /** Working directory when no repo is given (or to override). */
  cwd?: string;
  /** Plugin name the run is attributed to; defaults to the runner's owner. */
  owner?: string;
  /** Kill the whole process tree after this many ms (SIGTERM, then SIGKILL after killGraceMs). */
  timeoutMs?: number;
  /** Delay between SIGTERM and SIGKILL (default 2000 ms). */
  killGraceMs?: number;
  signal?: AbortSignal;
  /** Data written to stdin (then closed). Without it, `run` gives git an empty stdin (/dev/null). */
  input?: string | Buffer;
  /** Extra environment variables over gitmaint's own; `undefined` removes one. LC_ALL=C and GIT_TERMINAL_PROMPT=0 are always set. */
  env?: Record<string, string | undefined>;
  /** `-c key=value` pairs placed before the subcommand. */
  config?: Record<string, string>;
  /** Exit codes that count as success besides 0 (e.g. [1] for `diff --quiet`). */
  allowExitCodes?: number[];
  /** After a failed/killed run, remove the tmp files and locks it left (default true). */
  cleanupOnFailure?: boolean;
  /** Called with each parsed progress line (also emitted as `git.progress`). */
  onProgress?: (progress: GitProgress) => void;
  /** Keep stdout as a Buffer (`stdoutBuffer`; `stdout` is then ""). A string `stdout` has its final newline stripped. */
  binaryOutput?: boolean;
  /** Max bytes of stdout kept (default 64 MiB). */
  maxBuffer?: number;
}

export interface GitProgress {
  phase: string;
  percent: number | undefined;
  done: number | undefined;
  total: number | undefined;
  /** True on the line that ends the phase (`..., done.`). */
  finished?: boolean;
}

export interface GitResult {
  runId: number;
  pid: number;
  argv: string[];
  stdout: string;
  stdoutBuffer: Buffer | undefined;
  stderr: string;
  exitCode: number;
  durationMs: number;
}

/** A streaming git child (for `cat-file --batch`, `pack-objects` with stdin, ...). */
export interface GitChild {
  readonly runId: number;
  readonly pid: number;
  readonly argv: string[];
  readonly stdin: NodeJS.WritableStream;
  readonly stdout: NodeJS.ReadableStream;
  /** Settles like `run`: resolves on success, rejects with GitError otherwise. */
  readonly result: Promise<GitResult>;
  /** SIGTERM the tree, then SIGKILL after the grace. */
  kill(): void;
}

export interface LiveRun {
  runId: number;
  pid: number;
  argv: string[];
  owner: string;
  repo: string | undefined;
  startedAt: number;
}

export interface GitRunnerApi {
  /** Runs git, resolves with its output, or rejects with GitError (non-zero exit, signal, timeout, abort). */
  run(args: readonly string[], options?: GitRunOptions): Promise<GitResult>;
  /** Starts git with piped stdin/stdout. */
  spawn(args: readonly string[], options?: GitRunOptions): GitChild;
  /** The git version (detected once, cached). */
  version(): Promise<GitVersion>;
  /** True when the detected git is at least the given version. */
  atLeast(major: number, minor: number, patch?: number): Promise<boolean>;
  /** gitmaint's live git runs. */
  live(): LiveRun[];
  /** Kill one live run (its tree). Returns false if it is not running. */
  kill(runId: number): boolean;
  /** Kill every live run and wait for them to exit (and their cleanup). */
  killAll(): Promise<void>;
  /** A runner whose runs are attributed to `owner`. */
  withOwner(owner: string): GitRunnerApi;
}
