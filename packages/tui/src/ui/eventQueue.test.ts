import { Bus, type AnyEvent } from "@gitmaint/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EventQueue } from "./eventQueue.js";

afterEach(() => {
  vi.useRealTimers();
});

function progress(bus: Bus, runId: number, percent: number): void {
  bus.emit("git.progress", { repo: "/r", at: Date.now(), runId, pid: 1, owner: "p", phase: "Writing", percent, done: undefined, total: undefined });
}

describe("EventQueue", () => {
  it("coalesces a burst into batches at most every intervalMs (bounded frame rate)", () => {
    vi.useFakeTimers();
    const bus = new Bus();
    const batches: AnyEvent[][] = [];
    const q = new EventQueue(bus, { intervalMs: 100, onFlush: (b) => batches.push(b) });
    q.start();
    // 100 events/s for 1 s: one every 10 ms
    for (let i = 0; i < 100; i++) {
      bus.emit("log", { at: Date.now(), level: "info", message: `m${i}` });
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(200);
    expect(batches.flat()).toHaveLength(100);
    expect(batches.flat().map((e) => (e.type === "log" ? e.event.message : ""))).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    // ≤ 10 flushes per second, +1 for the leading flush
    expect(batches.length).toBeLessThanOrEqual(11);
    expect(batches.length).toBeGreaterThanOrEqual(9);
    q.stop();
  });

  it("flushes a lone event right away (no added latency when quiet)", () => {
    vi.useFakeTimers();
    const bus = new Bus();
    const batches: AnyEvent[][] = [];
    const q = new EventQueue(bus, { intervalMs: 100, onFlush: (b) => batches.push(b) });
    q.start();
    bus.emit("log", { at: Date.now(), level: "info", message: "x" });
    vi.advanceTimersByTime(1);
    expect(batches).toHaveLength(1);
    q.stop();
  });

  it("keeps only the newest progress of a run inside a batch, in place", () => {
    vi.useFakeTimers();
    const bus = new Bus();
    const batches: AnyEvent[][] = [];
    const q = new EventQueue(bus, { intervalMs: 100, onFlush: (b) => batches.push(b) });
    q.start();
    progress(bus, 1, 10);
    bus.emit("log", { at: Date.now(), level: "info", message: "between" });
    progress(bus, 1, 20);
    progress(bus, 2, 5);
    progress(bus, 1, 30);
    vi.advanceTimersByTime(1);
    const [batch] = batches;
    expect(batch?.map((e) => (e.type === "git.progress" ? `${e.event.runId}:${e.event.percent}` : e.type))).toEqual(["1:30", "log", "2:5"]);
    expect(q.counts).toEqual({ received: 5, flushes: 1 });
    q.stop();
  });

  it("stop unsubscribes from the Bus", () => {
    const bus = new Bus();
    const q = new EventQueue(bus, { onFlush: () => {} });
    q.start();
    expect(bus.listenerCount()).toBe(1);
    q.stop();
    expect(bus.listenerCount()).toBe(0);
  });
});
