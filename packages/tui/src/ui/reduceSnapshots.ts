/**
 * Merges engine snapshots (`repos()`, `plugins()`, `status(repo)`, `liveRuns()`) into the state.
 * Snapshots are authoritative for what they cover; events fill in between them.
 */
import type { LiveRun, PluginInfo, Repository, RepoStatus } from "@gitmaint/core";
import { newRepoRow, sortProcs } from "./reduceEvents.js";
import { HISTORY_LENGTH, type PluginRow, type ProcRow, type UiState } from "./model.js";

/** Keys cruft-writer may use for its latest full repack in `status().data` (ms or ISO string). */
const FULL_REPACK_KEYS = ["lastFullRepackAt", "lastFullRepack", "lastRepackAt", "lastRepack"];

/** The latest full repack time a plugin status reports, if any. */
export function fullRepackTime(status: RepoStatus): number | undefined {
  const data = status.plugins["cruft-writer"]?.data;
  if (!data) return undefined;
  for (const key of FULL_REPACK_KEYS) {
    const v = data[key];
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string") {
      const t = Date.parse(v);
      if (Number.isFinite(t)) return t;
    }
  }
  return undefined;
}

/** The engine's repositories, in engine order (rows of repos no longer present are dropped). */
export function applyRepos(state: UiState, repos: readonly Repository[]): UiState {
  const rows = repos.map((r) => {
    const old = state.repos.find((x) => x.id === r.id);
    return old ? { ...old, name: r.name } : newRepoRow(r.id, r.name);
  });
  return { ...state, repos: rows };
}

/** The engine's plugin list (state, failures, next run); keeps each row's last action. */
export function applyPlugins(state: UiState, plugins: readonly PluginInfo[]): UiState {
  const rows: PluginRow[] = plugins.map((p) => {
    const old = state.plugins.find((x) => x.name === p.name);
    return {
      name: p.name,
      description: p.description,
      enabled: p.enabled,
      state: p.state,
      message: p.message,
      failures: p.failures,
      totalFailures: p.totalFailures,
      nextRunAt: p.nextRunAt,
      lastAction: old?.lastAction,
    };
  });
  // keep rows only known from events (e.g. a plugin the engine does not list)
  for (const old of state.plugins) if (!rows.some((r) => r.name === old.name)) rows.push(old);
  return { ...state, plugins: rows };
}

/** One repository's status: stats, last full repack, external git processes. */
export function applyStatus(state: UiState, status: RepoStatus): UiState {
  const id = status.repo.id;
  const known = state.repos.some((r) => r.id === id);
  const repos = (known ? state.repos : [...state.repos, newRepoRow(id, status.repo.name)]).map((r) => {
    if (r.id !== id) return r;
    const changed = r.stats === undefined || r.stats.packs !== status.stats.packs;
    return {
      ...r,
      stats: status.stats,
      history: changed ? [...r.history, status.stats.packs].slice(-HISTORY_LENGTH) : r.history,
      lastFullRepackAt: fullRepackTime(status) ?? r.lastFullRepackAt,
    };
  });
  const ourPids = new Set(state.procs.filter((p) => p.runId !== undefined).map((p) => p.pid));
  const external: ProcRow[] = status.gitProcesses
    .filter((g) => !ourPids.has(g.pid) && g.pid !== process.pid)
    .map((g) => {
      const old = state.procs.find((p) => p.key === `ext:${g.pid}`);
      return {
        key: `ext:${g.pid}`,
        runId: undefined,
        pid: g.pid,
        repo: id,
        owner: "external",
        argv: g.argv,
        startedAt: old?.startedAt ?? g.startTime,
        role: g.role,
        phase: undefined,
        percent: undefined,
      };
    });
  const kept = state.procs.filter((p) => p.runId !== undefined || p.repo !== id);
  return { ...state, repos, procs: sortProcs([...kept, ...external]) };
}

/** gitmaint's live runs: adds runs started before the TUI subscribed, drops runs that ended. */
export function applyRuns(state: UiState, runs: readonly LiveRun[]): UiState {
  const live = new Set(runs.map((r) => r.runId));
  const kept = state.procs.filter((p) => p.runId === undefined || live.has(p.runId));
  const added: ProcRow[] = runs
    .filter((r) => !kept.some((p) => p.runId === r.runId))
    .map((r) => ({
      key: `run:${r.runId}`,
      runId: r.runId,
      pid: r.pid,
      repo: r.repo,
      owner: r.owner,
      argv: r.argv,
      startedAt: r.startedAt,
      role: undefined,
      phase: undefined,
      percent: undefined,
    }));
  return { ...state, procs: sortProcs([...kept, ...added]) };
}
