/**
 * The Engine: one per process; the daemon (`gitmaint run`), the one-shot commands and the TUI are
 * front ends over it. It owns the Bus, the shared services, the repositories and their watchers,
 * and the PluginHost.
 */
import type { Bus } from "../events/bus.js";
import type { PluginStateName } from "../events/types.js";
import type { GitProcInfo, ProcessTableApi } from "../process/types.js";
import type { GitRunnerApi, LiveRun } from "../git/types.js";
import type { JournalApi } from "../journal/types.js";
import type { LocksApi, LockStatus } from "../locks/types.js";
import type { PluginDefinition, PluginStatus, RunOptions, RunResult } from "../plugins/types.js";
import type { Repository, RepoStats } from "../repo/types.js";
import type { TmpEntry } from "../repo/tmpfiles-types.js";

/** A plugin to load: its definition, raw options (validated by the host) and where it came from. */
export interface PluginSpec {
  definition: PluginDefinition;
  options?: unknown;
  /** "builtin", an npm package name, or a path. */
  source: string;
  /** Default true. A disabled plugin is listed but never set up. */
  enabled?: boolean;
}

export interface EngineOptions {
  /** Repository paths (resolved at start). */
  repos: string[];
  plugins: PluginSpec[];
  /** State dir (journal, state); default stateDir() (GITMAINT_STATE_DIR / XDG). */
  stateDir?: string;
  /** Watch the repositories (daemon, TUI). Default true; one-shot commands pass false. */
  watch?: boolean;
  /** Interval of periodic repo.stats (default 60 s). */
  statsIntervalMs?: number;
  /** Time limit of one plugin handler/timer call (default 30 s). */
  handlerTimeoutMs?: number;
  /** Time limit of a plugin's setup (default 10 s). */
  setupTimeoutMs?: number;
  /** Consecutive failures after which a plugin is disabled (default 5). */
  maxFailures?: number;
  /** Shutdown deadline for running work (default 10 s). */
  shutdownTimeoutMs?: number;
}

export interface PluginInfo {
  name: string;
  description: string;
  source: string;
  enabled: boolean;
  state: PluginStateName;
  message: string | undefined;
  /** Consecutive failures (reset by a success). */
  failures: number;
  totalFailures: number;
  hasRun: boolean;
  /** Time of the next scheduled timer call, if any. */
  nextRunAt: number | undefined;
}

export interface RepoStatus {
  repo: Repository;
  stats: RepoStats;
  tmpFiles: TmpEntry[];
  locks: LockStatus[];
  gitProcesses: GitProcInfo[];
  /** Latest full repack time, if any plugin recorded one (cruft-writer). */
  plugins: Record<string, PluginStatus>;
}

export interface EngineApi {
  readonly bus: Bus;
  readonly git: GitRunnerApi;
  readonly processes: ProcessTableApi;
  readonly journal: JournalApi;
  readonly locks: LocksApi;
  repos(): Repository[];
  addRepo(path: string): Promise<Repository>;
  removeRepo(id: string): Promise<void>;
  plugins(): PluginInfo[];
  runPlugin(name: string, repoId: string, options?: Partial<Omit<RunOptions, "signal">> & { signal?: AbortSignal }): Promise<RunResult | void>;
  pausePlugin(name: string): void;
  resumePlugin(name: string): void;
  status(repoId: string): Promise<RepoStatus>;
  liveRuns(): LiveRun[];
  killRun(runId: number): boolean;
  /** Clean shutdown: abort plugins, wait up to the deadline, kill our git children, dispose in reverse order. */
  shutdown(): Promise<void>;
}
