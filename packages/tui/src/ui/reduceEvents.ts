/**
 * Applies Bus events to the TUI state. Pure: (state, event) -> state. Events about unknown
 * repositories or plugins add rows, so a plugin loaded later (or a third-party one) shows up.
 */
import type { AnyEvent, GitFinishedEvent, PluginStateEvent } from "@gitmaint/core";
import { pushActivity } from "./activity.js";
import { shortArgv, duration } from "./format.js";
import { HISTORY_LENGTH, type PluginRow, type ProcRow, type RepoRow, type UiState } from "./model.js";

function basename(path: string): string {
  const parts = path.split("/").filter(Boolean);
  const last = parts.at(-1) ?? path;
  // for a work tree's `.git` dir, show the work tree's name
  return last === ".git" && parts.length > 1 ? (parts.at(-2) ?? last) : last;
}

/** A repository row for an id first seen in an event. */
export function newRepoRow(id: string, name?: string): RepoRow {
  return { id, name: name ?? basename(id), stats: undefined, history: [], lastFullRepackAt: undefined };
}

/** A plugin row for a name first seen in an event. */
export function newPluginRow(name: string): PluginRow {
  return {
    name,
    description: "",
    enabled: true,
    state: "idle",
    message: undefined,
    failures: 0,
    totalFailures: 0,
    nextRunAt: undefined,
    lastAction: undefined,
  };
}

function ensureRepo(state: UiState, id: string): UiState {
  if (state.repos.some((r) => r.id === id)) return state;
  return { ...state, repos: [...state.repos, newRepoRow(id)] };
}

function updateRepo(state: UiState, id: string, fn: (r: RepoRow) => RepoRow): UiState {
  const s = ensureRepo(state, id);
  return { ...s, repos: s.repos.map((r) => (r.id === id ? fn(r) : r)) };
}

function updatePlugin(state: UiState, name: string, fn: (p: PluginRow) => PluginRow): UiState {
  const plugins = state.plugins.some((p) => p.name === name) ? state.plugins : [...state.plugins, newPluginRow(name)];
  return { ...state, plugins: plugins.map((p) => (p.name === name ? fn(p) : p)) };
}

function upsertProc(state: UiState, row: ProcRow): UiState {
  const procs = state.procs.some((p) => p.key === row.key)
    ? state.procs.map((p) => (p.key === row.key ? { ...p, ...row, phase: row.phase ?? p.phase, percent: row.percent ?? p.percent } : p))
    : [...state.procs, row];
  return { ...state, procs: sortProcs(procs) };
}

/** gitmaint's own runs first, then external processes; oldest first within each. */
export function sortProcs(procs: ProcRow[]): ProcRow[] {
  return [...procs].sort((a, b) => Number(a.runId === undefined) - Number(b.runId === undefined) || a.startedAt - b.startedAt);
}

function removeProc(state: UiState, key: string): UiState {
  return state.procs.some((p) => p.key === key) ? { ...state, procs: state.procs.filter((p) => p.key !== key) } : state;
}

function finished(state: UiState, e: GitFinishedEvent): UiState {
  let s = removeProc(state, `run:${e.runId}`);
  if (e.ok && e.cleaned.length === 0 && e.kept.length === 0) return s;
  const why = e.timedOut ? "timed out" : e.aborted ? "aborted" : e.signal ? `killed by ${e.signal}` : `exit ${e.exitCode ?? "?"}`;
  const parts = [`git ${shortArgv(e.argv)} ${e.ok ? "finished" : `failed (${why})`} after ${duration(e.durationMs)}`];
  if (e.cleaned.length > 0) parts.push(`cleaned ${e.cleaned.length} leftover${e.cleaned.length === 1 ? "" : "s"}`);
  if (e.kept.length > 0) parts.push(`kept ${e.kept.length} (not provably dead)`);
  s = pushActivity(s, {
    at: e.at,
    repo: e.repo,
    plugin: e.owner,
    kind: "log",
    level: e.ok ? "info" : "warn",
    text: parts.join("; "),
    dryRun: false,
  });
  return s;
}

function pluginState(state: UiState, e: PluginStateEvent): UiState {
  return updatePlugin(state, e.plugin, (p) => ({
    ...p,
    state: e.state,
    message: e.message,
    failures: e.failures,
    totalFailures: Math.max(p.totalFailures, e.failures),
  }));
}

/** Applies one Bus event. */
export function applyEvent(state: UiState, item: AnyEvent): UiState {
  switch (item.type) {
    case "repo.added":
      return state.repos.some((r) => r.id === item.event.repo)
        ? state
        : { ...state, repos: [...state.repos, newRepoRow(item.event.repo, item.event.name)] };
    case "repo.removed":
      return { ...state, repos: state.repos.filter((r) => r.id !== item.event.repo) };
    case "repo.stats": {
      const { stats } = item.event;
      return updateRepo(state, item.event.repo, (r) => ({
        ...r,
        stats,
        history: [...r.history, stats.packs].slice(-HISTORY_LENGTH),
      }));
    }
    case "git.started": {
      const e = item.event;
      return upsertProc(state, {
        key: `run:${e.runId}`,
        runId: e.runId,
        pid: e.pid,
        repo: e.repo,
        owner: e.owner,
        argv: e.argv,
        startedAt: e.at,
        role: undefined,
        phase: undefined,
        percent: undefined,
      });
    }
    case "git.progress": {
      const e = item.event;
      const key = `run:${e.runId}`;
      if (!state.procs.some((p) => p.key === key)) return state;
      return { ...state, procs: state.procs.map((p) => (p.key === key ? { ...p, phase: e.phase, percent: e.percent } : p)) };
    }
    case "git.finished":
      return finished(state, item.event);
    case "process.seen": {
      const e = item.event;
      if (state.procs.some((p) => p.pid === e.pid && p.runId !== undefined)) return state;
      return upsertProc(state, {
        key: `ext:${e.pid}`,
        runId: undefined,
        pid: e.pid,
        repo: e.repo,
        owner: "external",
        argv: e.argv,
        startedAt: e.startTime,
        role: e.role,
        phase: undefined,
        percent: undefined,
      });
    }
    case "process.gone":
      return removeProc(state, `ext:${item.event.pid}`);
    case "plugin.state":
      return pluginState(state, item.event);
    case "action": {
      const e = item.event;
      let s = updatePlugin(state, e.plugin, (p) => ({ ...p, lastAction: { message: e.message, at: e.at, kind: e.kind } }));
      if (e.kind === "repacked" && !e.dryRun) s = updateRepo(s, e.repo, (r) => ({ ...r, lastFullRepackAt: e.at }));
      return pushActivity(s, {
        at: e.at,
        repo: e.repo,
        plugin: e.plugin,
        kind: e.kind,
        level: undefined,
        text: e.message,
        dryRun: e.dryRun === true,
      });
    }
    case "log": {
      const e = item.event;
      if (e.level === "debug") return state;
      return pushActivity(state, {
        at: e.at,
        repo: e.repo,
        plugin: e.plugin,
        kind: "log",
        level: e.level,
        text: e.message,
        dryRun: false,
      });
    }
    case "pack.added":
    case "pack.removed":
    case "pack.sidecar":
    case "tmp.seen":
    case "tmp.gone":
      // reflected by the repo.stats that follow and by status refreshes
      return state;
  }
}
