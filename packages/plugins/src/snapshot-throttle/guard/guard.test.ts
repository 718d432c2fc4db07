import { describe, expect, it } from "vitest";
import { descendsFromOwn } from "./guard.js";

/** A snapshot of `pid -> ppid` links. */
const tree = (links: Record<number, number>) => ({
  get: (pid: number) => (pid in links ? ({ pid, ppid: links[pid] } as never) : undefined),
});

describe("descendsFromOwn", () => {
  // 100 = gitmaint; 200 = its git gc run; 300 = repack; 400 = pack-objects; 500 = an unrelated shell; 600 = its git
  const snap = tree({ 100: 1, 200: 100, 300: 200, 400: 300, 500: 1, 600: 500, 700: 100, 800: 700 });
  const own = new Set([200]);

  it("the run itself, its child and its grandchild are gitmaint's", () => {
    expect(descendsFromOwn(200, 100, snap, own, 100)).toBe(true);
    expect(descendsFromOwn(300, 200, snap, own, 100)).toBe(true);
    expect(descendsFromOwn(400, 300, snap, own, 100)).toBe(true);
  });

  it("an unrelated tree, and gitmaint's other children (not git runs), are not", () => {
    expect(descendsFromOwn(600, 500, snap, own, 100)).toBe(false);
    expect(descendsFromOwn(800, 700, snap, own, 100)).toBe(false);
  });

  it("a chain broken by a pid missing from the snapshot, or a ppid cycle, is not", () => {
    expect(descendsFromOwn(900, 950, snap, own, 100)).toBe(false);
    const cyclic = tree({ 10: 11, 11: 10 });
    expect(descendsFromOwn(12, 10, cyclic, own, 100)).toBe(false);
  });
});
