/**
 * The typed event map of the Bus. Every event carries `at` (ms since epoch); events about a
 * repository carry `repo` (the repository id: the absolute path of its common git dir).
 */
import type { RepoStats } from "../repo/types.js";
import type { TmpKind } from "../repo/tmpfiles-types.js";

export interface EventBase {
  /** Repository id (absolute common git dir). */
  repo: string;
  /** Milliseconds since the epoch. */
  at: number;
}

export type SidecarKind = "keep" | "mtimes" | "bitmap" | "rev" | "promisor";

export interface PackAddedEvent extends EventBase {
  /** `pack-<hash>` */
  pack: string;
  hash: string;
  /** Absolute path of the `.pack` file. */
  path: string;
  /** Size of the `.pack` in bytes (0 if it went away meanwhile). */
  bytes: number;
}

export interface PackRemovedEvent extends EventBase {
  pack: string;
  hash: string;
  path: string;
}

export interface PackSidecarEvent extends EventBase {
  pack: string;
  hash: string;
  kind: SidecarKind;
  change: "added" | "removed";
  path: string;
}

export interface TmpSeenEvent extends EventBase {
  /** Absolute path. */
  path: string;
  kind: TmpKind;
  bytes: number;
  mtimeMs: number;
}

export interface TmpGoneEvent extends EventBase {
  path: string;
  kind: TmpKind;
}

export interface RepoStatsEvent extends EventBase {
  stats: RepoStats;
}

export interface RepoAddedEvent extends EventBase {
  name: string;
}

export type RepoRemovedEvent = EventBase;

export interface GitStartedEvent extends EventBase {
  runId: number;
  pid: number;
  argv: string[];
  /** Plugin name, or "gitmaint" for the engine/CLI itself. */
  owner: string;
}

export interface GitProgressEvent extends EventBase {
  runId: number;
  pid: number;
  owner: string;
  /** e.g. "Counting objects", "Compressing objects", "Writing objects". */
  phase: string;
  percent: number | undefined;
  done: number | undefined;
  total: number | undefined;
}

export interface GitFinishedEvent extends EventBase {
  runId: number;
  pid: number;
  argv: string[];
  owner: string;
  exitCode: number | undefined;
  signal: string | undefined;
  durationMs: number;
  ok: boolean;
  timedOut: boolean;
  aborted: boolean;
  /** Temporary files and locks this run left behind and gitmaint removed (paths relative to the git dir). */
  cleaned: string[];
  /** Leftovers that could not be proven dead and were kept. */
  kept: string[];
}

export interface ProcessSeenEvent extends EventBase {
  pid: number;
  startTime: number;
  argv: string[];
  /** e.g. "repack", "gc", "maintenance", "receive-pack", "other". */
  role: string;
}

export interface ProcessGoneEvent extends EventBase {
  pid: number;
  startTime: number;
  argv: string[];
  role: string;
}

export type PluginStateName = "idle" | "busy" | "failed" | "disabled" | "paused";

export interface PluginStateEvent {
  at: number;
  repo?: string;
  plugin: string;
  state: PluginStateName;
  message?: string;
  failures: number;
}

export type ActionKind =
  | "reaped"
  | "kept"
  | "aggregated"
  | "repacked"
  | "killed"
  | "snapshotted"
  | "alerted"
  | "lock-taken-over"
  | "other";

export interface ActionEvent extends EventBase {
  plugin: string;
  kind: ActionKind;
  /** One human line, e.g. "reaped 3 files, 2.1 GB". */
  message: string;
  bytes?: number;
  paths?: string[];
  dryRun?: boolean;
  details?: Record<string, unknown>;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogEvent {
  at: number;
  repo?: string;
  plugin?: string;
  level: LogLevel;
  message: string;
}

export interface GitmaintEvents {
  "repo.added": RepoAddedEvent;
  "repo.removed": RepoRemovedEvent;
  "pack.added": PackAddedEvent;
  "pack.removed": PackRemovedEvent;
  "pack.sidecar": PackSidecarEvent;
  "tmp.seen": TmpSeenEvent;
  "tmp.gone": TmpGoneEvent;
  "repo.stats": RepoStatsEvent;
  "git.started": GitStartedEvent;
  "git.progress": GitProgressEvent;
  "git.finished": GitFinishedEvent;
  "process.seen": ProcessSeenEvent;
  "process.gone": ProcessGoneEvent;
  "plugin.state": PluginStateEvent;
  action: ActionEvent;
  log: LogEvent;
}

export type EventType = keyof GitmaintEvents;
export type AnyEvent = { [K in EventType]: { type: K; event: GitmaintEvents[K] } }[EventType];
