/**
 * Refreshes `engine.status(repo)` for the Repositories pane: on request (after pack/tmp
 * changes) at most once per `minGapMs` per repository, never two at once for the same one.
 * `status()` scans /proc and the object dir, so it must not follow every event.
 */
import type { EngineApi, RepoStatus } from "@gitmaint/core";

export interface StatusRefresherOptions {
  minGapMs?: number;
  onStatus: (status: RepoStatus) => void;
  onError: (repoId: string, error: unknown) => void;
}

export class StatusRefresher {
  readonly #engine: EngineApi;
  readonly #minGapMs: number;
  readonly #onStatus: (status: RepoStatus) => void;
  readonly #onError: (repoId: string, error: unknown) => void;
  readonly #last = new Map<string, number>();
  readonly #inFlight = new Set<string>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #stopped = false;

  constructor(engine: EngineApi, options: StatusRefresherOptions) {
    this.#engine = engine;
    this.#minGapMs = options.minGapMs ?? 1000;
    this.#onStatus = options.onStatus;
    this.#onError = options.onError;
  }

  /** Asks for a refresh of one repository (coalesced and rate-limited). */
  request(repoId: string): void {
    if (this.#stopped || this.#timers.has(repoId)) return;
    const wait = Math.max(0, (this.#last.get(repoId) ?? -Infinity) + this.#minGapMs - Date.now());
    const timer = setTimeout(() => {
      this.#timers.delete(repoId);
      if (this.#inFlight.has(repoId)) {
        this.request(repoId);
        return;
      }
      void this.#refresh(repoId);
    }, wait);
    this.#timers.set(repoId, timer);
  }

  /** Stops every pending refresh; results still in flight are dropped. */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  async #refresh(repoId: string): Promise<void> {
    this.#inFlight.add(repoId);
    this.#last.set(repoId, Date.now());
    try {
      const status = await this.#engine.status(repoId);
      if (!this.#stopped) this.#onStatus(status);
    } catch (error) {
      if (!this.#stopped) this.#onError(repoId, error);
    } finally {
      this.#inFlight.delete(repoId);
    }
  }
}
