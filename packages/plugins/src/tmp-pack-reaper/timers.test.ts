import { describe, expect, it } from "vitest";
import { DueTimers, SerialQueue } from "./timers.js";

describe("DueTimers", () => {
  it("keeps only the earliest time per key and fires once", async () => {
    const fired: string[] = [];
    const t = new DueTimers((k) => fired.push(k));
    const now = Date.now();
    t.schedule("a", now + 10_000, now);
    t.schedule("a", now + 20, now);
    t.schedule("a", now + 30_000, now);
    expect(t.dueAt("a")).toBe(now + 20);
    await new Promise((r) => setTimeout(r, 80));
    expect(fired).toEqual(["a"]);
    expect(t.size).toBe(0);
    t.dispose();
  });
  it("dispose cancels pending timers and ignores later schedules", async () => {
    const fired: string[] = [];
    const t = new DueTimers((k) => fired.push(k));
    t.schedule("a", Date.now() + 20);
    t.dispose();
    t.schedule("b", Date.now());
    await new Promise((r) => setTimeout(r, 60));
    expect(fired).toEqual([]);
  });
});

describe("SerialQueue", () => {
  it("never overlaps tasks of one key and survives a failing task", async () => {
    const q = new SerialQueue();
    let running = 0;
    let max = 0;
    const order: number[] = [];
    const task = (i: number, fail = false) => async () => {
      running++;
      max = Math.max(max, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      order.push(i);
      if (fail) throw new Error("boom");
      return i;
    };
    const results = await Promise.allSettled([q.run("k", task(1)), q.run("k", task(2, true)), q.run("k", task(3))]);
    expect(max).toBe(1);
    expect(order).toEqual([1, 2, 3]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    await q.idle();
  });
});
