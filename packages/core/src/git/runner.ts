/**
 * GitRunner: the only way gitmaint runs git. Every child is spawned detached and killed as a
 * tree on timeout/abort/kill, judged by its exit code (GitError otherwise), parsed for progress,
 * announced on the Bus (`git.started` / `git.progress` / `git.finished`), registered with the
 * ProcessTable, and, after a failure in a repository, cleaned up after (leftovers.ts).
 */
import { GitError, GitVersionError } from "../errors.js";
import type { BusLike } from "../events/bus.js";
import type { JournalApi } from "../journal/types.js";
import type { ProcessTableApi } from "../process/types.js";
import { GitProcess, type RunContext } from "./git-process.js";
import { LeftoverCleaner, type LeftoverCleanerApi, type LeftoverScanner } from "./leftovers.js";
import { scanTemporaries as defaultScanner } from "../repo/tmpfiles.js";
import { RunRegistry } from "./registry.js";
import type { GitChild, GitResult, GitRunOptions, GitRunnerApi, GitVersion, LiveRun } from "./types.js";
import { parseGitVersion, versionAtLeast } from "./version.js";

export interface GitRunnerOptions {
  /** Where `git.started` / `git.progress` / `git.finished` go. */
  bus?: BusLike;
  /** Children are registered here; also needed (with `journal`) for cleanup after failures. */
  processes?: ProcessTableApi;
  /** Deletions made by the cleanup after failures are journaled here first. */
  journal?: JournalApi;
  /** Attribution of runs that name no owner (default "gitmaint"). */
  owner?: string;
  /** The git executable (default "git", found on PATH). */
  gitBinary?: string;
  /** Timeout of runs that set none (default: none). */
  defaultTimeoutMs?: number;
  /**
   * Lists a repository's temporary files and locks for the cleanup after failed runs (default:
   * repo/tmpfiles.ts `scanTemporaries`). The cleanup runs only when `processes` and `journal`
   * are given (or a custom `cleanup`).
   */
  scanTemporaries?: LeftoverScanner;
  /** A custom cleaner (replaces the default built from processes, journal, scanTemporaries). */
  cleanup?: LeftoverCleanerApi;
}

/** The version shared by all runners of a binary (git is asked once per process). */
const versions = new Map<string, Promise<GitVersion>>();

export class GitRunner implements GitRunnerApi {
  readonly #ctx: RunContext;

  constructor(options: GitRunnerOptions = {}) {
    const { processes, journal } = options;
    const scan = options.scanTemporaries ?? ((repo) => defaultScanner(repo));
    const cleaner = options.cleanup ?? (processes && journal ? new LeftoverCleaner({ processes, journal, scan }) : undefined);
    this.#ctx = {
      gitBinary: options.gitBinary ?? "git",
      owner: options.owner ?? "gitmaint",
      defaultTimeoutMs: options.defaultTimeoutMs,
      bus: options.bus,
      processes,
      cleaner,
      registry: new RunRegistry(),
    };
  }

  run(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    return new GitProcess(this.#ctx, args, options, false).result;
  }

  spawn(args: readonly string[], options: GitRunOptions = {}): GitChild {
    const child = new GitProcess(this.#ctx, args, options, true);
    // A streaming caller may only read stdout: a failure must not become an unhandled rejection.
    child.result.catch(() => {});
    return child;
  }

  version(): Promise<GitVersion> {
    const binary = this.#ctx.gitBinary;
    let cached = versions.get(binary);
    if (!cached) {
      cached = detectVersion(new GitRunner({ gitBinary: binary }));
      versions.set(binary, cached);
      // a failure is not cached: git may be installed later
      cached.catch(() => versions.delete(binary));
    }
    return cached;
  }

  async atLeast(major: number, minor: number, patch = 0): Promise<boolean> {
    return versionAtLeast(await this.version(), major, minor, patch);
  }

  live(): LiveRun[] {
    return this.#ctx.registry.live();
  }

  kill(runId: number): boolean {
    return this.#ctx.registry.get(runId)?.kill() ?? false;
  }

  killAll(): Promise<void> {
    return this.#ctx.registry.killAll();
  }

  withOwner(owner: string): GitRunnerApi {
    return new OwnerView(this, owner);
  }
}

/** A runner whose runs default to another owner; live runs and kills are shared with its base. */
class OwnerView implements GitRunnerApi {
  readonly #base: GitRunner;
  readonly #owner: string;

  constructor(base: GitRunner, owner: string) {
    this.#base = base;
    this.#owner = owner;
  }

  run(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    return this.#base.run(args, { ...options, owner: options.owner ?? this.#owner });
  }

  spawn(args: readonly string[], options: GitRunOptions = {}): GitChild {
    return this.#base.spawn(args, { ...options, owner: options.owner ?? this.#owner });
  }

  version(): Promise<GitVersion> {
    return this.#base.version();
  }

  atLeast(major: number, minor: number, patch?: number): Promise<boolean> {
    return this.#base.atLeast(major, minor, patch);
  }

  live(): LiveRun[] {
    return this.#base.live();
  }

  kill(runId: number): boolean {
    return this.#base.kill(runId);
  }

  killAll(): Promise<void> {
    return this.#base.killAll();
  }

  withOwner(owner: string): GitRunnerApi {
    return new OwnerView(this.#base, owner);
  }
}

async function detectVersion(runner: GitRunner): Promise<GitVersion> {
  let out: string;
  try {
    out = (await runner.run(["version"], { timeoutMs: 30_000 })).stdout;
  } catch (error) {
    if (error instanceof GitVersionError) throw new GitVersionError("git not found: install git >= 2.32", { cause: error });
    if (error instanceof GitError) throw new GitVersionError(`git version failed: ${error.message}`, { cause: error });
    throw error;
  }
  const version = parseGitVersion(out);
  if (!version) throw new GitVersionError(`cannot parse git version: ${out.trim()}`);
  return version;
}
