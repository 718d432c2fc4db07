import { describe, expect, it } from "vitest";
import { GrowthTracker } from "./growth.js";

const H = 3_600_000;

describe("GrowthTracker", () => {
  it("computes bytes per hour over the last hour and alerts once per hour", () => {
    const g = new GrowthTracker();
    g.add({ at: 0, bytes: 0 });
    expect(g.ratePerHour()).toBeUndefined();
    g.add({ at: H / 2, bytes: 500 });
    expect(g.ratePerHour()).toBe(1000);
    expect(g.shouldAlert(999, H / 2)).toBe(true);
    g.add({ at: H * 0.75, bytes: 800 });
    expect(g.shouldAlert(999, H * 0.75)).toBe(false); // already alerted this hour
    g.add({ at: 3 * H, bytes: 800 });
    expect(g.ratePerHour()).toBe(0); // window moved: only the last hour counts
    expect(g.shouldAlert(999, 3 * H)).toBe(false);
    g.add({ at: 3.5 * H, bytes: 5000 }); // (5000 - 800) over 2.75 h since the baseline sample
    expect(g.shouldAlert(999, 3.5 * H)).toBe(true); // dropped below, then above again
  });

  it("knows when the size stood still", () => {
    const g = new GrowthTracker();
    g.add({ at: 0, bytes: 5 });
    g.add({ at: 100, bytes: 5 });
    expect(g.unchangedFor(100, 100)).toBe(true);
    g.add({ at: 200, bytes: 6 });
    expect(g.unchangedFor(100, 200)).toBe(false);
  });
});
