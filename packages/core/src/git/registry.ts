/**
 * The live runs of one GitRunner and all its `withOwner` views. While any run is live, one
 * process 'exit' listener SIGTERMs their process groups, so a gitmaint that exits (or crashes)
 * never leaves detached git trees running; it is removed when the last run settles.
 */
import type { LiveRun } from "./types.js";

/** What the registry needs from a run. */
export interface RegisteredRun {
  readonly runId: number;
  readonly pid: number;
  /** True once the git process exited (it may still be cleaning up). */
  readonly exited: boolean;
  readonly done: Promise<unknown>;
  info(): LiveRun;
  kill(): boolean;
}

let lastRunId = 0;

/** Run ids are unique in the process (across runners). */
export function nextRunId(): number {
  lastRunId += 1;
  return lastRunId;
}

export class RunRegistry {
  readonly #runs = new Map<number, RegisteredRun>();
  readonly #onExit = (): void => {
    for (const run of this.#runs.values()) {
      if (run.exited || run.pid <= 0) continue;
      try {
        process.kill(-run.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  };

  add(run: RegisteredRun): void {
    if (this.#runs.size === 0) process.on("exit", this.#onExit);
    this.#runs.set(run.runId, run);
  }

  remove(run: RegisteredRun): void {
    if (!this.#runs.delete(run.runId)) return;
    if (this.#runs.size === 0) process.off("exit", this.#onExit);
  }

  get(runId: number): RegisteredRun | undefined {
    return this.#runs.get(runId);
  }

  /** Runs whose git process has not exited yet. */
  live(): LiveRun[] {
    return [...this.#runs.values()].filter((r) => !r.exited).map((r) => r.info());
  }

  /** Kills every run and waits until each has exited and finished its cleanup. */
  async killAll(): Promise<void> {
    const runs = [...this.#runs.values()];
    for (const run of runs) run.kill();
    await Promise.allSettled(runs.map((r) => r.done));
  }
}
