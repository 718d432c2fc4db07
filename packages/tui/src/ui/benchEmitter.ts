/**
 * Benchmark support (`bench/tui`), enabled only by environment variables:
 * - `GITMAINT_TUI_BENCH=<events/s>` makes runTui emit that many synthetic events per second on
 *   the real Bus (a realistic mix: repo.stats, git.started/progress/finished, action, log,
 *   plugin.state), stamped with their emit time in `at`;
 * - `GITMAINT_TUI_BENCH_OUT=<file>` receives, at exit, the event→frame latencies: for every
 *   event, the time from its emit to the Ink frame that first rendered it.
 */
import { writeFileSync } from "node:fs";
import type { BusLike, RepoStats } from "@gitmaint/core";

const TICK_MS = 20;

/** Starts emitting `rate` events/s about `repo`; returns the stop function. */
export function startBenchEmitter(bus: BusLike, repo: string, rate: number): () => void {
  let n = 0;
  let packs = 5;
  const per = Math.max(1, Math.round((rate * TICK_MS) / 1000));
  const runId = 900_000;
  const stats = (): RepoStats => ({
    packs,
    packBytes: packs * 1_000_000,
    cruftPacks: 1,
    keptPacks: 0,
    looseObjects: 256,
    looseExact: false,
    tmpFiles: n % 7 === 0 ? 1 : 0,
    tmpBytes: n % 7 === 0 ? 4096 : 0,
    locks: [],
    sizeBytes: packs * 1_000_000,
  });
  const emitOne = (): void => {
    const at = Date.now();
    const i = n++;
    const run = runId + Math.floor(i / 50);
    switch (i % 10) {
      case 0:
        packs = Math.max(1, packs + (Math.random() < 0.5 ? -1 : 1));
        return bus.emit("repo.stats", { repo, at, stats: stats() });
      case 1:
        return bus.emit("action", { repo, at, plugin: "bench", kind: "reaped", message: `reaped 1 file (tmp_pack_${i}), 4.0K`, bytes: 4096 });
      case 2:
        return bus.emit("log", { repo, at, plugin: "bench", level: "info", message: `bench log line ${i}` });
      case 3:
        return bus.emit("plugin.state", { at, plugin: "bench", state: i % 20 === 3 ? "busy" : "idle", failures: 0 });
      default:
        if (i % 50 === 4) return bus.emit("git.started", { repo, at, runId: run, pid: 1, argv: ["git", "repack", "-d"], owner: "bench" });
        if (i % 50 === 49) {
          return bus.emit("git.finished", {
            repo, at, runId: run, pid: 1, argv: ["git", "repack", "-d"], owner: "bench",
            exitCode: 0, signal: undefined, durationMs: 1000, ok: true, timedOut: false, aborted: false, cleaned: [], kept: [],
          });
        }
        return bus.emit("git.progress", {
          repo, at, runId: run, pid: 1, owner: "bench", phase: "Writing objects", percent: (i % 50) * 2, done: i % 50, total: 50,
        });
    }
  };
  const timer = setInterval(() => {
    for (let k = 0; k < per; k++) emitOne();
  }, TICK_MS);
  return () => clearInterval(timer);
}

/**
 * Collects event→frame latencies: every event is noted when the Bus delivers it (including the
 * `git.progress` events the queue coalesces away), handed to "pending" when its batch is
 * dispatched, and measured at the next frame Ink renders.
 */
export class FrameLatency {
  #received: number[] = [];
  #pending: number[] = [];
  readonly samples: number[] = [];
  frames = 0;

  /** Notes an event's emit time as the Bus delivers it. */
  received(at: number): void {
    this.#received.push(at);
  }

  /** A batch was dispatched: everything received so far is in it (or coalesced into it). */
  batch(): void {
    this.#pending.push(...this.#received);
    this.#received = [];
  }

  #sameTurn = false;

  /**
   * Called by Ink after each render. Renders in one event-loop turn count as one frame (Ink's
   * `<Static>` re-renders once more right after printing new items, writing nothing).
   */
  frame(): void {
    if (!this.#sameTurn) {
      this.frames++;
      this.#sameTurn = true;
      setImmediate(() => (this.#sameTurn = false));
    }
    if (this.#pending.length === 0) return;
    const now = Date.now();
    for (const at of this.#pending) this.samples.push(now - at);
    this.#pending = [];
  }

  /** Percentile of the samples (ms). */
  percentile(p: number): number {
    if (this.samples.length === 0) return 0;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  }

  /** Writes the summary (and samples) as JSON. */
  write(path: string): void {
    const summary = {
      events: this.samples.length,
      frames: this.frames,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.samples.reduce((m, v) => Math.max(m, v), 0),
    };
    writeFileSync(path, JSON.stringify(summary) + "\n");
  }
}
