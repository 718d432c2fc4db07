/**
 * Test helpers for the watcher: a Bus that records every event, and counters of this process's
 * file descriptors and inotify watches.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { Bus } from "../../packages/core/src/events/bus.js";
import type { EventType, GitmaintEvents } from "../../packages/core/src/events/types.js";
import { waitFor } from "./fixtures.js";

export interface Recorded {
  type: EventType;
  event: GitmaintEvents[EventType];
}

export class RecordingBus extends Bus {
  readonly events: Recorded[] = [];

  constructor() {
    super({ onHandlerError: (e) => console.error("handler error", e) });
    this.onAny((type, event) => void this.events.push({ type, event }));
  }

  of<K extends EventType>(type: K): GitmaintEvents[K][] {
    return this.events.filter((r) => r.type === type).map((r) => r.event as GitmaintEvents[K]);
  }

  /** Waits for an event of `type` matching `pred`, returning it. */
  waitEvent<K extends EventType>(
    type: K,
    pred: (e: GitmaintEvents[K]) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<GitmaintEvents[K]> {
    return waitFor(() => this.of(type).find(pred), { timeoutMs, what: `${type} event` });
  }

  clear(): void {
    this.events.length = 0;
  }
}

/** Number of open descriptors of this process. */
export function fdCount(): number {
  return readdirSync("/proc/self/fd").length;
}

/** Number of inotify watches held by this process (all inotify instances). */
export function inotifyWatchCount(): number {
  let n = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      if (!readlinkSync(`/proc/self/fd/${fd}`).includes("inotify")) continue;
      n += readFileSync(`/proc/self/fdinfo/${fd}`, "utf8")
        .split("\n")
        .filter((l) => l.startsWith("inotify wd:")).length;
    } catch {
      // fd closed meanwhile
    }
  }
  return n;
}
