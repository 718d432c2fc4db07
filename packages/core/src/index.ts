/**
 * @gitmaint/core public API. Built-in and third-party plugins import only from here.
 * (Each module adds its exports in its own block; keep blocks sorted by area.)
 */
export { z } from "zod";

// errors
export {
  AbortError,
  ConfigError,
  GitError,
  GitmaintError,
  GitVersionError,
  LockBusyError,
  PluginError,
  RepoError,
  TimeoutError,
  UsageError,
  errorMessage,
  exitCodeOf,
  isUserError,
} from "./errors.js";

// events
export { Bus } from "./events/bus.js";
export type { AnyHandler, BusLike, BusOptions, Handler, OnOptions } from "./events/bus.js";
export type * from "./events/types.js";

// repositories
export type { Repository, RepoStats } from "./repo/types.js";
export type { ScanProblem, TmpEntry, TmpKind, TmpScan } from "./repo/tmpfiles-types.js";

// processes
export type * from "./process/types.js";
export { ProcessTable } from "./process/table.js";
export type { ProcessTableOptions } from "./process/table.js";
export { bootTimeMs, clockTicksPerSecond, parseProcStat } from "./process/procfs.js";
export type { ProcStat } from "./process/procfs.js";
export { isGitProcess, parseGitArgv } from "./process/git-argv.js";
export type { GitInvocation } from "./process/git-argv.js";

// git
export type * from "./git/types.js";
export { GitRunner } from "./git/runner.js";
export type { GitRunnerOptions } from "./git/runner.js";
export { parseGitVersion, versionAtLeast } from "./git/version.js";
export { parseProgress } from "./git/progress.js";
export { LeftoverCleaner } from "./git/leftovers.js";
export type { CleanupOutcome, FailedRun, LeftoverCleanerApi, LeftoverCleanerOptions, LeftoverScanner } from "./git/leftovers.js";

// locks, journal, state
export type * from "./locks/types.js";
export type * from "./journal/types.js";
export type * from "./state/types.js";
export { Locks, gitMaintenanceLockOf, locksDirOf, readLockHolder } from "./locks/locks.js";
export type { LocksOptions } from "./locks/locks.js";
export { Journal } from "./journal/journal.js";
export type { JournalOptions } from "./journal/journal.js";
export { StateStore } from "./state/store.js";
export type { StateStoreOptions } from "./state/store.js";
export { repoKey, stateDir } from "./state/dir.js";

// plugins
export { definePlugin } from "./plugins/define.js";
export { PLUGIN_API_VERSION } from "./plugins/types.js";
export type {
  Logger,
  PluginContext,
  PluginDefinition,
  PluginHooks,
  PluginStatus,
  RepoRegistry,
  RunOptions,
  RunResult,
  ScheduleOptions,
} from "./plugins/types.js";

// repository resolution
export { resolveRepository } from "./repo/resolve.js";

// engine
export type { EngineApi, EngineOptions, PluginInfo, PluginSpec, RepoStatus } from "./engine/types.js";

// engine, plugin host, config
export { Engine, MIN_GIT } from "./engine/engine.js";
export type { EngineCreateOptions } from "./engine/engine.js";
export { PluginHost } from "./plugins/host.js";
export type { HostOptions, HostServices } from "./plugins/host.js";
export { importPlugin, isPathRef, resolvePluginRef } from "./plugins/load.js";
export { checkDefinition, validateOptions } from "./plugins/validate.js";
export { loadConfig, validateConfig, emptyConfig } from "./config/load.js";
export type { LoadConfigOptions } from "./config/load.js";
export type { GitmaintConfig, DaemonConfig } from "./config/schema.js";
export { didYouMean } from "./util/suggest.js";
export { formatBytes, formatDuration } from "./util/format.js";

// temporary files, stats, watcher (repo/tmpfiles.ts, repo/stats.ts, watch/)
export {
  TMP_KIND_INFO,
  classifyTmpPath,
  formatGitmaintKeep,
  parseGcPid,
  parseKeepContent,
  scanTemporaries,
  stagingPid,
} from "./repo/tmpfiles.js";
export type { KeepOwner, ScanOptions, ScanPlace, TmpFacts } from "./repo/tmpfiles.js";
export { IDX_MIN_BYTES, isIdxComplete, parsePackFileName } from "./repo/pack-files.js";
export type { PackExt } from "./repo/pack-files.js";
export { collectStats } from "./repo/stats.js";
export type { StatsOptions } from "./repo/stats.js";
export { RepoWatcher } from "./watch/repo-watcher.js";
export type { RepoWatcherOptions } from "./watch/repo-watcher.js";
