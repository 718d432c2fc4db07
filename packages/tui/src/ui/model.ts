/**
 * The TUI's state: what the panes show (built from engine snapshots and Bus events) plus the
 * interaction state (focus, selection, open view, prompt, filter). Changed only by the reducer.
 */
import type {
  ActionKind,
  JournalEntry,
  LogLevel,
  PluginStateName,
  RepoStats,
} from "@gitmaint/core";

/** The three selectable panes of the dashboard, in tab order. */
export type PaneId = "repos" | "plugins" | "procs";
export const PANES: readonly PaneId[] = ["repos", "plugins", "procs"];

/** Number of pack-count samples kept for a repository's sparkline. */
export const HISTORY_LENGTH = 24;

export interface RepoRow {
  id: string;
  name: string;
  stats: RepoStats | undefined;
  /** Pack counts of successive `repo.stats` (oldest first). */
  history: number[];
  /** Latest full (thorough) repack, from cruft-writer's status or a `repacked` action. */
  lastFullRepackAt: number | undefined;
}

export interface PluginRow {
  name: string;
  description: string;
  enabled: boolean;
  state: PluginStateName;
  message: string | undefined;
  failures: number;
  totalFailures: number;
  nextRunAt: number | undefined;
  lastAction: { message: string; at: number; kind: ActionKind } | undefined;
}

export interface ProcRow {
  /** `run:<runId>` for gitmaint's runs, `ext:<pid>` for external processes. */
  key: string;
  runId: number | undefined;
  pid: number;
  repo: string | undefined;
  /** Plugin name, "gitmaint", or "external". */
  owner: string;
  argv: string[];
  startedAt: number;
  role: string | undefined;
  phase: string | undefined;
  percent: number | undefined;
}

export type ActivityKind = ActionKind | "log" | "tui";

export interface ActivityItem {
  id: number;
  at: number;
  repo: string | undefined;
  plugin: string | undefined;
  kind: ActivityKind;
  level: LogLevel | undefined;
  text: string;
  dryRun: boolean;
}

export type DetailTarget = { type: "repo"; id: string } | { type: "plugin"; name: string };

export type View =
  | { kind: "dashboard" }
  | { kind: "help"; scroll: number }
  | {
      kind: "detail";
      target: DetailTarget;
      entries: JournalEntry[] | undefined;
      error: string | undefined;
      scroll: number;
    }
  | { kind: "result"; title: string; lines: string[]; pending: boolean; scroll: number };

export type Prompt =
  | { kind: "filter"; text: string }
  | { kind: "confirm-kill"; runId: number; pid: number; label: string }
  | undefined;

export interface StatusMessage {
  text: string;
  level: "info" | "warn" | "error";
  at: number;
}

export interface UiState {
  now: number;
  repos: RepoRow[];
  plugins: PluginRow[];
  procs: ProcRow[];
  /** Recent activity (newest last), bounded; the source for re-filtering. */
  activity: ActivityItem[];
  /** What `<Static>` prints: a new `epoch` remounts it (filter change, compaction). */
  log: { epoch: number; items: ActivityItem[] };
  focus: PaneId;
  selected: Record<PaneId, number>;
  view: View;
  prompt: Prompt;
  /** Activity filter: `repo:x`, `plugin:y`, or words matched against repo and plugin. */
  filter: string;
  status: StatusMessage | undefined;
  nextId: number;
}

/** An empty state at time `now`. */
export function initialState(now: number): UiState {
  return {
    now,
    repos: [],
    plugins: [],
    procs: [],
    activity: [],
    log: { epoch: 0, items: [] },
    focus: "repos",
    selected: { repos: 0, plugins: 0, procs: 0 },
    view: { kind: "dashboard" },
    prompt: undefined,
    filter: "",
    status: undefined,
    nextId: 1,
  };
}
