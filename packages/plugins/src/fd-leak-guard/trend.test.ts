import { describe, expect, it } from "vitest";
import { SampleWindows, slopePerHour } from "./trend.js";

describe("slopePerHour", () => {
  it("is the least-squares growth in descriptors per hour", () => {
    const hour = 3_600_000;
    expect(slopePerHour([{ at: 0, fds: 10 }, { at: hour / 2, fds: 60 }, { at: hour, fds: 110 }])).toBeCloseTo(100);
    expect(slopePerHour([{ at: 0, fds: 10 }, { at: 1000, fds: 10 }, { at: 2000, fds: 10 }])).toBeCloseTo(0, 6);
    expect(slopePerHour([{ at: 0, fds: 10 }, { at: 1000, fds: 20 }])).toBe(0);
  });

  it("keeps a bounded window per process and forgets vanished ones", () => {
    const w = new SampleWindows(3);
    for (let i = 0; i < 5; i++) w.add("a", { at: i, fds: i });
    expect(w.add("a", { at: 5, fds: 5 }).map((s) => s.fds)).toEqual([3, 4, 5]);
    w.retain(new Set());
    expect(w.add("a", { at: 6, fds: 6 })).toHaveLength(1);
  });
});
