/**
 * The TUI reducer: one place where state changes, fed by batches of Bus events (coalesced by
 * the EventQueue), engine snapshots, the clock, and key-driven UI actions.
 */
import type { AnyEvent, JournalEntry, LiveRun, PluginInfo, Repository, RepoStatus } from "@gitmaint/core";
import { applyFilter, compactLog, pushActivity } from "./activity.js";
import { applyEvent } from "./reduceEvents.js";
import { applyPlugins, applyRepos, applyRuns, applyStatus } from "./reduceSnapshots.js";
import { PANES, type ActivityItem, type DetailTarget, type PaneId, type Prompt, type StatusMessage, type UiState } from "./model.js";

export type Action =
  | { type: "events"; batch: readonly AnyEvent[] }
  | { type: "repos"; repos: readonly Repository[] }
  | { type: "plugins"; plugins: readonly PluginInfo[] }
  | { type: "status"; status: RepoStatus }
  | { type: "runs"; runs: readonly LiveRun[] }
  | { type: "tick"; now: number }
  | { type: "snapshot"; now: number; plugins: readonly PluginInfo[]; runs: readonly LiveRun[] }
  | { type: "focus"; pane: PaneId | "next" | "prev" }
  | { type: "move"; delta: number }
  | { type: "help" }
  | { type: "close" }
  | { type: "detail"; target: DetailTarget }
  | { type: "detail-loaded"; target: DetailTarget; entries?: JournalEntry[]; error?: string }
  | { type: "result"; title: string; lines: string[]; pending: boolean }
  | { type: "scroll"; delta: number }
  | { type: "prompt"; prompt: Prompt }
  | { type: "filter"; filter: string }
  | { type: "message"; text: string; level: StatusMessage["level"]; at?: number }
  | { type: "activity"; item: Omit<ActivityItem, "id"> }
  | { type: "log-printed"; epoch: number; printed: number };

/** Number of rows of a pane. */
export function paneLength(state: UiState, pane: PaneId): number {
  return pane === "repos" ? state.repos.length : pane === "plugins" ? state.plugins.length : state.procs.length;
}

function clampSelection(state: UiState): UiState {
  let changed = false;
  const selected = { ...state.selected };
  for (const pane of PANES) {
    const max = Math.max(0, paneLength(state, pane) - 1);
    const v = Math.min(Math.max(0, selected[pane]), max);
    if (v !== selected[pane]) {
      selected[pane] = v;
      changed = true;
    }
  }
  return changed ? { ...state, selected } : state;
}

function sameTarget(a: DetailTarget, b: DetailTarget): boolean {
  return a.type === "repo" ? b.type === "repo" && a.id === b.id : b.type === "plugin" && a.name === b.name;
}

function reduceCore(state: UiState, action: Action): UiState {
  switch (action.type) {
    case "events":
      return action.batch.reduce(applyEvent, state);
    case "repos":
      return applyRepos(state, action.repos);
    case "plugins":
      return applyPlugins(state, action.plugins);
    case "status":
      return applyStatus(state, action.status);
    case "runs":
      return applyRuns(state, action.runs);
    case "tick":
      return { ...state, now: action.now };
    case "snapshot":
      return applyRuns(applyPlugins({ ...state, now: action.now }, action.plugins), action.runs);
    case "focus": {
      const i = PANES.indexOf(state.focus);
      const n = PANES.length;
      const pane = action.pane === "next" ? PANES[(i + 1) % n] : action.pane === "prev" ? PANES[(i + n - 1) % n] : action.pane;
      return { ...state, focus: pane ?? state.focus };
    }
    case "move":
      return { ...state, selected: { ...state.selected, [state.focus]: state.selected[state.focus] + action.delta } };
    case "help":
      return { ...state, view: state.view.kind === "help" ? { kind: "dashboard" } : { kind: "help", scroll: 0 } };
    case "close":
      return { ...state, view: { kind: "dashboard" }, prompt: undefined };
    case "detail":
      return { ...state, view: { kind: "detail", target: action.target, entries: undefined, error: undefined, scroll: 0 } };
    case "detail-loaded": {
      const v = state.view;
      if (v.kind !== "detail" || !sameTarget(v.target, action.target)) return state;
      return { ...state, view: { ...v, entries: action.entries ?? [], error: action.error } };
    }
    case "result":
      return { ...state, view: { kind: "result", title: action.title, lines: action.lines, pending: action.pending, scroll: 0 } };
    case "scroll": {
      const v = state.view;
      if (v.kind === "dashboard") return state;
      return { ...state, view: { ...v, scroll: Math.max(0, v.scroll + action.delta) } };
    }
    case "prompt":
      return { ...state, prompt: action.prompt };
    case "filter":
      return applyFilter({ ...state, prompt: undefined }, action.filter);
    case "message":
      return { ...state, status: { text: action.text, level: action.level, at: action.at ?? state.now } };
    case "activity":
      return pushActivity(state, action.item);
    case "log-printed":
      return compactLog(state, action.epoch, action.printed);
  }
}

/** The reducer. Selections are clamped to the panes' current lengths after every action. */
export function reducer(state: UiState, action: Action): UiState {
  const next = reduceCore(state, action);
  return next === state ? state : clampSelection(next);
}
