/**
 * Connects the reducer to the Engine: initial snapshots, the coalescing EventQueue on the Bus,
 * a 1 s clock that also re-reads `plugins()` and `liveRuns()` (in-memory, cheap), and
 * rate-limited `status(repo)` refreshes (periodic, and after pack/tmp changes).
 */
import type { AnyEvent, EngineApi } from "@gitmaint/core";
import { errorMessage } from "@gitmaint/core";
import { useEffect } from "react";
import { EventQueue } from "./eventQueue.js";
import { StatusRefresher } from "./statusRefresher.js";
import { useStore, type Store } from "./useStore.js";
import { initialState, type UiState } from "./model.js";
import { reducer, type Action } from "./reducer.js";

export interface EngineStateOptions {
  /** Minimum time between two event batches (ms). Default 100 (≤ 10 frames/s from events). */
  flushMs?: number;
  /** Period of the status refresh of every repository (ms). Default 15000. */
  statusIntervalMs?: number;
  /** Period of the clock / plugins / runs refresh (ms). Default 1000. */
  tickMs?: number;
  /** Called with each batch right after it is dispatched (frame-latency measurement). */
  onBatch?: (batch: readonly AnyEvent[]) => void;
}

/**
 * Event types after which a repository's status is worth re-reading. `status()` scans /proc and
 * the object dir, so it is rate-limited (STATUS_MIN_GAP_MS per repository); the pane's numbers
 * come first from the engine's own `repo.stats` events.
 */
const REFRESH_ON = new Set<AnyEvent["type"]>(["pack.added", "pack.removed", "tmp.seen", "tmp.gone"]);
export const STATUS_MIN_GAP_MS = 3000;

export function useEngineState(engine: EngineApi, options: EngineStateOptions = {}): Store {
  // the first frame already shows the engine's repositories, plugins and runs
  const store = useStore(() =>
    [
      { type: "repos", repos: engine.repos() },
      { type: "snapshot", now: Date.now(), plugins: engine.plugins(), runs: engine.liveRuns() },
    ].reduce<UiState>((s, a) => reducer(s, a as Action), initialState(Date.now())),
  );
  const { dispatch } = store;
  const { flushMs, statusIntervalMs = 15_000, tickMs = 1000, onBatch } = options;

  useEffect(() => {
    const refresher = new StatusRefresher(engine, {
      minGapMs: STATUS_MIN_GAP_MS,
      onStatus: (status) => dispatch({ type: "status", status }),
      onError: (repoId, error) => dispatch({ type: "message", level: "warn", text: `status of ${repoId}: ${errorMessage(error)}` }),
    });
    const queue = new EventQueue(engine.bus, {
      intervalMs: flushMs,
      onFlush: (batch) => {
        dispatch({ type: "events", batch });
        onBatch?.(batch);
        for (const item of batch) {
          if (REFRESH_ON.has(item.type) && "repo" in item.event && item.event.repo) refresher.request(item.event.repo);
        }
      },
    });
    queue.start();
    const snapshot = (): void => {
      dispatch({ type: "snapshot", now: Date.now(), plugins: engine.plugins(), runs: engine.liveRuns() });
    };
    const refreshAll = (): void => {
      for (const repo of engine.repos()) refresher.request(repo.id);
    };
    dispatch({ type: "repos", repos: engine.repos() });
    snapshot();
    refreshAll();
    const tick = setInterval(snapshot, tickMs);
    const periodic = setInterval(refreshAll, statusIntervalMs);
    return () => {
      clearInterval(tick);
      clearInterval(periodic);
      queue.stop();
      refresher.stop();
    };
  }, [engine, dispatch, flushMs, statusIntervalMs, tickMs, onBatch]);

  return store;
}
