/**
 * Per-repository scheduling: one unref'd timer per repository at the earliest time a known
 * temporary could first be dead, and a serial queue so passes on one repository never overlap.
 */

/** Keeps, per key, one timer set for the earliest requested time. */
export class DueTimers {
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #fire: (key: string) => void;
  #disposed = false;

  constructor(fire: (key: string) => void) {
    this.#fire = fire;
  }

  /** Makes sure `fire(key)` runs no later than `at` (ms since epoch) + a few ms. */
  schedule(key: string, at: number, now = Date.now()): void {
    if (this.#disposed) return;
    const current = this.#timers.get(key);
    if (current && current.at <= at) return;
    if (current) clearTimeout(current.timer);
    const delay = Math.min(Math.max(0, at - now), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      if (!this.#disposed) this.#fire(key);
    }, delay);
    timer.unref();
    this.#timers.set(key, { at, timer });
  }

  /** The earliest pending time of a key (for status). */
  dueAt(key: string): number | undefined {
    return this.#timers.get(key)?.at;
  }

  /** Number of pending timers. */
  get size(): number {
    return this.#timers.size;
  }

  /** Cancels every timer; later `schedule` calls are ignored. */
  dispose(): void {
    this.#disposed = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}

/** Runs tasks one at a time per key, in order. */
export class SerialQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }

  /** Resolves when every queued task has settled. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }
}
