/**
 * The plugin contract: what `definePlugin` takes and what `setup(ctx)` receives. Built-in plugins
 * get exactly this; nothing else of core is reachable from a plugin.
 */
import type { z } from "zod";
import type { BusLike } from "../events/bus.js";
import type { ActionEvent } from "../events/types.js";
import type { GitRunnerApi, GitVersion } from "../git/types.js";
import type { JournalApi, JournalEntry } from "../journal/types.js";
import type { LocksApi } from "../locks/types.js";
import type { ProcessTableApi } from "../process/types.js";
import type { Repository } from "../repo/types.js";
import type { StateStoreApi } from "../state/types.js";

/** The plugin API version this core implements. */
export const PLUGIN_API_VERSION = 1;

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface RepoRegistry {
  list(): Repository[];
  get(id: string): Repository | undefined;
}

export interface RunOptions {
  /** Report what would be done; change nothing. */
  dryRun: boolean;
  /** Aborted on shutdown or when the caller cancels. */
  signal: AbortSignal;
  /** Command-specific arguments from the CLI or TUI (e.g. `{ minAgeMs: 0 }`, `{ mode: "full" }`). */
  args: Record<string, unknown>;
  /** Who asked: "cli", "once", "tui", "daemon", or another plugin's name. */
  trigger: string;
}

export interface RunResult {
  /** One human line, e.g. "reaped 3 files (2.1 GB), kept 1". */
  summary: string;
  /** JSON-serialisable result for `--json`. */
  data?: unknown;
}

export interface PluginStatus {
  /** One human line for `status` and the TUI. */
  summary: string;
  data?: Record<string, unknown>;
}

export interface PluginHooks {
  /** On-demand work for one repository (CLI commands, `run --once`, TUI `r`/`d`). Throw to fail. */
  run?(repo: Repository, options: RunOptions): Promise<RunResult | void>;
  /** Plugin-specific status lines for `gitmaint status` and the TUI. */
  status?(repo: Repository): Promise<PluginStatus | undefined>;
  /** Release everything; called in reverse setup order at shutdown. */
  dispose?(): void | Promise<void>;
}

export interface ScheduleOptions {
  /** Run once right away too (default false). */
  immediate?: boolean;
}

export interface PluginContext<O = unknown> {
  /** The plugin's name. */
  readonly name: string;
  /** Validated options, with defaults applied. */
  readonly options: O;
  /**
   * The event bus. Handlers registered here are isolated, time-limited and counted: repeated
   * failures disable the plugin. They are skipped while the plugin is paused or disabled.
   */
  readonly bus: BusLike;
  /** GitRunner whose runs are attributed to this plugin. */
  readonly git: GitRunnerApi;
  readonly locks: LocksApi;
  readonly processes: ProcessTableApi;
  readonly journal: JournalApi;
  /** Persistent per-plugin, per-repository state. */
  readonly state: StateStoreApi;
  readonly logger: Logger;
  /** Aborted when the engine shuts down (or the plugin is disabled). */
  readonly signal: AbortSignal;
  readonly repos: RepoRegistry;
  readonly gitVersion: GitVersion;
  /** Emits an `action` event attributed to this plugin. */
  action(repo: string, action: Omit<ActionEvent, "repo" | "at" | "plugin">): void;
  /** Appends a Journal entry attributed to this plugin (resolves once it is on disk). */
  record(entry: Omit<JournalEntry, "at" | "pid" | "plugin">): Promise<void>;
  /**
   * Calls `fn` every `intervalMs` (isolated, time-limited, counted like a handler; skipped while
   * paused; never overlapping itself). Stopped at dispose. Returns a cancel function.
   */
  every(intervalMs: number, fn: (signal: AbortSignal) => Promise<void> | void, options?: ScheduleOptions): () => void;
  /** Runs another loaded plugin's `run` (e.g. the snapshot guard asks the reaper to clean a dir). */
  runPlugin(name: string, repo: Repository, options?: Partial<Omit<RunOptions, "signal">>): Promise<RunResult | void>;
}

export interface PluginDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  /** Must equal PLUGIN_API_VERSION of the core that loads it. */
  apiVersion: number;
  /** One line shown by `gitmaint plugins`. */
  description?: string;
  /** zod schema of the options (use `z` exported by @gitmaint/core); unknown keys are errors. */
  options?: S;
  setup(ctx: PluginContext<z.output<S>>): PluginHooks | void | Promise<PluginHooks | void>;
}
