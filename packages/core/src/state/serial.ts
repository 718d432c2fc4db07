/**
 * Per-key serialization: tasks queued under the same key run one after another (in call order),
 * tasks under different keys run concurrently. A failed task does not stop the ones after it.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` after every task queued before it under `key`. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.#tails.set(key, next);
    const cleanup = (): void => {
      if (this.#tails.get(key) === next) this.#tails.delete(key);
    };
    next.then(cleanup, cleanup);
    return next;
  }

  /** Resolves once every task queued so far under `key` has settled. */
  async idle(key: string): Promise<void> {
    await this.#tails.get(key)?.then(
      () => {},
      () => {},
    );
  }
}
