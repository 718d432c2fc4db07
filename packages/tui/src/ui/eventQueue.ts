/**
 * Coalesces Bus events for rendering: events are buffered and handed over in one batch at most
 * every `intervalMs` (default 100 ms, i.e. at most 10 state updates per second from events,
 * however fast they arrive). An event arriving after a quiet period is flushed at once, so a
 * sparse event still reaches the screen within a frame. Successive `git.progress` events of one
 * run inside a batch collapse into the newest.
 */
import type { AnyEvent, BusLike, EventType, GitmaintEvents } from "@gitmaint/core";

export interface EventQueueOptions {
  /** Minimum time between two flushes (ms). Default 100. */
  intervalMs?: number;
  /** Receives each batch, in arrival order. */
  onFlush: (batch: AnyEvent[]) => void;
  /** Clock (tests). */
  now?: () => number;
}

export const DEFAULT_FLUSH_MS = 100;

export class EventQueue {
  readonly #bus: BusLike;
  readonly #intervalMs: number;
  readonly #onFlush: (batch: AnyEvent[]) => void;
  readonly #now: () => number;
  #buffer: AnyEvent[] = [];
  /** runId -> index in buffer of its latest progress event. */
  #progressAt = new Map<number, number>();
  #timer: NodeJS.Timeout | undefined;
  #lastFlush = -Infinity;
  #unsubscribe: (() => void) | undefined;
  #received = 0;
  #flushes = 0;

  constructor(bus: BusLike, options: EventQueueOptions) {
    this.#bus = bus;
    this.#intervalMs = options.intervalMs ?? DEFAULT_FLUSH_MS;
    this.#onFlush = options.onFlush;
    this.#now = options.now ?? Date.now;
  }

  /** Subscribes to every event type. Idempotent. */
  start(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#bus.onAny(<K extends EventType>(type: K, event: GitmaintEvents[K]) => {
      this.push({ type, event } as AnyEvent);
    });
  }

  /** Unsubscribes and drops anything buffered. */
  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#buffer = [];
    this.#progressAt.clear();
  }

  /** Adds one event (the Bus subscription calls this). */
  push(item: AnyEvent): void {
    this.#received++;
    if (item.type === "git.progress") {
      const at = this.#progressAt.get(item.event.runId);
      if (at !== undefined) {
        this.#buffer[at] = item;
        this.#schedule();
        return;
      }
      this.#progressAt.set(item.event.runId, this.#buffer.length);
    }
    this.#buffer.push(item);
    this.#schedule();
  }

  /** Hands over the buffered batch now. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#progressAt.clear();
    this.#lastFlush = this.#now();
    this.#flushes++;
    this.#onFlush(batch);
  }

  /** Events received and batches flushed so far. */
  get counts(): { received: number; flushes: number } {
    return { received: this.#received, flushes: this.#flushes };
  }

  #schedule(): void {
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastFlush + this.#intervalMs - this.#now());
    this.#timer = setTimeout(() => this.flush(), wait);
  }
}
