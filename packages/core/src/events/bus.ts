/**
 * The typed event bus. `on` returns an unsubscribe function and accepts `{ signal }`.
 * Handlers may be async; each runs isolated: a throwing or rejecting handler is reported to
 * `onHandlerError` and never stops the others or the emitter.
 */
import type { EventType, GitmaintEvents } from "./types.js";

export type Handler<T> = (event: T) => void | Promise<void>;
export type AnyHandler = <K extends EventType>(type: K, event: GitmaintEvents[K]) => void | Promise<void>;

export interface OnOptions {
  signal?: AbortSignal;
}

export interface BusOptions {
  /** Called when a handler throws or rejects. */
  onHandlerError?: (error: unknown, type: EventType) => void;
}

/** The subscribe side of the bus, as plugins see it. */
export interface BusLike {
  on<K extends EventType>(type: K, handler: Handler<GitmaintEvents[K]>, options?: OnOptions): () => void;
  onAny(handler: AnyHandler, options?: OnOptions): () => void;
  emit<K extends EventType>(type: K, event: GitmaintEvents[K]): void;
}

export class Bus implements BusLike {
  readonly #handlers = new Map<EventType, Set<Handler<never>>>();
  readonly #any = new Set<AnyHandler>();
  readonly #pending = new Set<Promise<void>>();
  readonly #onHandlerError: (error: unknown, type: EventType) => void;

  constructor(options: BusOptions = {}) {
    this.#onHandlerError = options.onHandlerError ?? (() => {});
  }

  on<K extends EventType>(type: K, handler: Handler<GitmaintEvents[K]>, options: OnOptions = {}): () => void {
    let set = this.#handlers.get(type);
    if (!set) {
      set = new Set();
      this.#handlers.set(type, set);
    }
    const h = handler as Handler<never>;
    set.add(h);
    return this.#unsubscriber(() => set.delete(h), options.signal);
  }

  onAny(handler: AnyHandler, options: OnOptions = {}): () => void {
    this.#any.add(handler);
    return this.#unsubscriber(() => this.#any.delete(handler), options.signal);
  }

  /** Number of subscribers for a type (for tests and leak checks). */
  listenerCount(type?: EventType): number {
    if (type === undefined) {
      let n = this.#any.size;
      for (const set of this.#handlers.values()) n += set.size;
      return n;
    }
    return (this.#handlers.get(type)?.size ?? 0) + this.#any.size;
  }

  /** Delivers the event to every handler; never throws. */
  emit<K extends EventType>(type: K, event: GitmaintEvents[K]): void {
    const set = this.#handlers.get(type);
    if (set) for (const h of [...set]) this.#call(type, () => (h as Handler<GitmaintEvents[K]>)(event));
    for (const h of [...this.#any]) this.#call(type, () => h(type, event));
  }

  /** Resolves when every handler started so far has settled. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  #call(type: EventType, fn: () => void | Promise<void>): void {
    let result: void | Promise<void>;
    try {
      result = fn();
    } catch (error) {
      this.#report(error, type);
      return;
    }
    if (result && typeof (result as Promise<void>).then === "function") {
      const p = (result as Promise<void>).then(
        () => {},
        (error: unknown) => this.#report(error, type),
      );
      this.#pending.add(p);
      void p.finally(() => this.#pending.delete(p));
    }
  }

  #report(error: unknown, type: EventType): void {
    try {
      this.#onHandlerError(error, type);
    } catch {
      // the error reporter itself must never break an emit
    }
  }

  #unsubscriber(remove: () => void, signal: AbortSignal | undefined): () => void {
    let done = false;
    const onAbort = (): void => unsubscribe();
    const unsubscribe = (): void => {
      if (done) return;
      done = true;
      remove();
      signal?.removeEventListener("abort", onAbort);
    };
    if (signal) {
      if (signal.aborted) unsubscribe();
      else signal.addEventListener("abort", onAbort, { once: true });
    }
    return unsubscribe;
  }
}
