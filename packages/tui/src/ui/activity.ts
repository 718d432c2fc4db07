/**
 * The Activity stream: building items, the repo/plugin filter, and appending to both the bounded
 * history (used to re-filter) and the `<Static>` log (printed once, above the live panes).
 */
import type { ActivityItem, RepoRow, UiState } from "./model.js";

/** How many activity items are kept in memory for re-filtering. */
export const ACTIVITY_HISTORY = 500;
/** How many matching past items are re-printed when the filter changes. */
export const REFILTER_BACKLOG = 20;

export interface ParsedFilter {
  repo: string[];
  plugin: string[];
  any: string[];
}

/** Parses `repo:x plugin:y words`; matching is case-insensitive substring. */
export function parseFilter(filter: string): ParsedFilter {
  const out: ParsedFilter = { repo: [], plugin: [], any: [] };
  for (const word of filter.toLowerCase().split(/\s+/).filter(Boolean)) {
    if (word.startsWith("repo:")) out.repo.push(word.slice(5));
    else if (word.startsWith("plugin:")) out.plugin.push(word.slice(7));
    else out.any.push(word);
  }
  return out;
}

function repoName(repos: readonly RepoRow[], id: string | undefined): string {
  if (id === undefined) return "";
  return repos.find((r) => r.id === id)?.name ?? id;
}

/** True when the item passes the filter (an empty filter passes everything). */
export function matchesFilter(item: ActivityItem, filter: string, repos: readonly RepoRow[]): boolean {
  const f = parseFilter(filter);
  if (f.repo.length + f.plugin.length + f.any.length === 0) return true;
  const repo = `${repoName(repos, item.repo)} ${item.repo ?? ""}`.toLowerCase();
  const plugin = (item.plugin ?? "").toLowerCase();
  if (f.repo.some((w) => !repo.includes(w))) return false;
  if (f.plugin.some((w) => !plugin.includes(w))) return false;
  return f.any.every((w) => repo.includes(w) || plugin.includes(w));
}

/** Appends an item to the history and, when it passes the filter, to the Static log. */
export function pushActivity(state: UiState, item: Omit<ActivityItem, "id">): UiState {
  const full: ActivityItem = { ...item, id: state.nextId };
  const activity = state.activity.length >= ACTIVITY_HISTORY
    ? [...state.activity.slice(state.activity.length - ACTIVITY_HISTORY + 1), full]
    : [...state.activity, full];
  const log = matchesFilter(full, state.filter, state.repos)
    ? { epoch: state.log.epoch, items: [...state.log.items, full] }
    : state.log;
  return { ...state, activity, log, nextId: state.nextId + 1 };
}

/**
 * Sets a new filter: the Static log restarts (new epoch) with a header line and the last
 * matching items from history, so the user sees the filtered stream at once.
 */
export function applyFilter(state: UiState, filter: string): UiState {
  const trimmed = filter.trim();
  if (trimmed === state.filter) return state;
  const matching = state.activity.filter((i) => matchesFilter(i, trimmed, state.repos)).slice(-REFILTER_BACKLOG);
  const header: ActivityItem = {
    id: state.nextId,
    at: state.now,
    repo: undefined,
    plugin: undefined,
    kind: "tui",
    level: undefined,
    text: trimmed === "" ? "── filter cleared: all activity ──" : `── filter: ${trimmed} (last ${matching.length} matching) ──`,
    dryRun: false,
  };
  return {
    ...state,
    filter: trimmed,
    log: { epoch: state.log.epoch + 1, items: [header, ...matching] },
    nextId: state.nextId + 1,
  };
}

/**
 * Drops the first `printed` items of the Static log once Ink has printed them (a new epoch with
 * the rest), so the log array stays bounded however long the TUI runs.
 */
export function compactLog(state: UiState, epoch: number, printed: number): UiState {
  if (epoch !== state.log.epoch || printed <= 0) return state;
  return { ...state, log: { epoch: epoch + 1, items: state.log.items.slice(printed) } };
}
