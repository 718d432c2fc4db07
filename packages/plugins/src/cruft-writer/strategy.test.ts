import { describe, expect, it } from "vitest";
import type { PackShape, RepoShape } from "./inspect.js";
import { defaultOptions } from "./options.js";
import { decide, looseRefsLimit, untrackedPackLimit, type RepackAction } from "./strategy.js";

const NOW = Date.UTC(2024, 0, 15);
const DAY = 86_400_000;
const MiB = 1024 * 1024;

function pack(i: number, extra: Partial<PackShape> = {}): PackShape {
  return { name: `pack-${String(i).padStart(40, "0")}`, bytes: MiB, objects: 100, cruft: false, keep: false, ...extra };
}
function shape(extra: Partial<RepoShape> = {}): RepoShape {
  return { packs: [], midx: { exists: false, packCount: 0 }, looseObjects: 0, looseExact: false, looseRefs: 0, packedRefsBytes: 0, bare: true, ...extra };
}
const packs = (n: number, extra: Partial<PackShape> = {}) => Array.from({ length: n }, (_, i) => pack(i, extra));

describe("untrackedPackLimit (Gitaly: max(2, log1.8(MiB)))", () => {
  it.each([
    [0, 2],
    [5 * MiB, 2],
    [10 * MiB, 3],
    [100 * MiB, 7],
    [500 * MiB, 10],
    [1024 * MiB, 11],
    [10 * 1024 * MiB, 15],
    [100 * 1024 * MiB, 19],
  ])("%d bytes -> %d", (bytes, limit) => {
    expect(untrackedPackLimit(bytes, 2, 1.8)).toBe(limit);
  });
});

describe("looseRefsLimit (Gitaly: max(16, log1.15(bytes/100)))", () => {
  it.each([
    [0, 16],
    [1000, 16],
    [10_000, 32],
    [1_000_000, 65],
  ])("%d bytes of packed-refs -> %d", (bytes, limit) => {
    expect(looseRefsLimit(bytes, 16, 1.15)).toBe(limit);
  });
});

describe("decide (auto)", () => {
  const o = defaultOptions();
  const cases: { name: string; s: RepoShape; last?: number; action: RepackAction; reason: RegExp }[] = [
    { name: "empty repository", s: shape(), action: "none", reason: /no packs and no loose/ },
    { name: "one pack, never fully repacked", s: shape({ packs: packs(1) }), action: "none", reason: /1 non-cruft pack/ },
    {
      name: "one pack plus a cruft pack",
      s: shape({ packs: [pack(1), pack(2, { cruft: true })], midx: { exists: true, packCount: 2 } }),
      action: "none",
      reason: /1 non-cruft pack/,
    },
    { name: "few packs, never fully repacked", s: shape({ packs: packs(2) }), action: "full", reason: /2 non-cruft packs and last full repack never done/ },
    { name: "few packs, full repack 6 days ago", s: shape({ packs: packs(2) }), last: NOW - 6 * DAY, action: "full", reason: /6d ago > cooldown 5d/ },
    { name: "few packs, recent full repack", s: shape({ packs: packs(2) }), last: NOW - DAY, action: "none", reason: /last full repack 1d ago/ },
    { name: "many packs, recent full repack", s: shape({ packs: packs(12) }), last: NOW - DAY, action: "geometric", reason: /12 packs outside the multi-pack-index > 4 allowed for 12.0 MiB/ },
    {
      name: "many packs mostly in the midx, recent full repack",
      s: shape({ packs: packs(12), midx: { exists: true, packCount: 10 } }),
      last: NOW - DAY,
      action: "none",
      reason: /2 outside the multi-pack-index/,
    },
    {
      name: "more packs than gc.autoPackLimit even if tracked",
      s: shape({ packs: packs(60), midx: { exists: true, packCount: 60 } }),
      last: NOW - DAY,
      action: "geometric",
      reason: /60 non-cruft packs > autoPackLimit 50/,
    },
    { name: "many loose, one pack", s: shape({ packs: packs(1), looseObjects: 5000 }), action: "pack-loose", reason: /~5000 loose objects > 1024/ },
    { name: "many loose, no packs", s: shape({ looseObjects: 2000, looseExact: true }), action: "pack-loose", reason: /^2000 loose objects > 1024/ },
    { name: "few loose", s: shape({ packs: packs(1), looseObjects: 1000 }), action: "none", reason: /~1000 loose objects \(limit 1024\)/ },
    {
      name: "kept packs are not counted",
      s: shape({ packs: [pack(1), pack(2, { keep: true })], midx: { exists: true, packCount: 2 } }),
      action: "none",
      reason: /1 kept pack/,
    },
    {
      name: "full wins over loose objects",
      s: shape({ packs: packs(3), looseObjects: 9000 }),
      last: NOW - 30 * DAY,
      action: "full",
      reason: /3 non-cruft packs/,
    },
  ];
  it.each(cases)("$name -> $action", ({ s, last, action, reason }) => {
    const d = decide({ shape: s, mode: "auto", now: NOW, lastFullRepackAt: last, options: o });
    expect(d.action).toBe(action);
    expect(d.reasons.join("; ")).toMatch(reason);
    expect(d.commitGraph).toBe(action !== "none");
  });

  it("honours a custom cooldown and loose limit", () => {
    const opts = defaultOptions({ fullRepackCooldownMs: 0, looseObjectLimit: 10 });
    expect(decide({ shape: shape({ packs: packs(2) }), mode: "auto", now: NOW, lastFullRepackAt: NOW - 1000, options: opts }).action).toBe("full");
    expect(decide({ shape: shape({ packs: packs(1), looseObjects: 11 }), mode: "auto", now: NOW, lastFullRepackAt: undefined, options: opts }).action).toBe("pack-loose");
  });

  it("asks for pack-refs when loose refs pile up, whatever the action", () => {
    const d = decide({ shape: shape({ packs: packs(1), looseRefs: 20, packedRefsBytes: 500 }), mode: "auto", now: NOW, lastFullRepackAt: undefined, options: o });
    expect(d).toMatchObject({ action: "none", packRefs: true, commitGraph: false });
    expect(d.reasons.join("; ")).toMatch(/20 loose refs >= 16: pack-refs/);
    const few = decide({ shape: shape({ packs: packs(1), looseRefs: 15 }), mode: "auto", now: NOW, lastFullRepackAt: undefined, options: o });
    expect(few.packRefs).toBe(false);
  });
});

describe("decide (forced modes)", () => {
  const o = defaultOptions();
  it("full is honoured inside the cooldown and on a tidy repository", () => {
    const d = decide({ shape: shape({ packs: packs(1) }), mode: "full", now: NOW, lastFullRepackAt: NOW - 1000, options: o });
    expect(d).toMatchObject({ action: "full", reasons: ["full repack requested"], commitGraph: true });
  });
  it("geometric is honoured", () => {
    expect(decide({ shape: shape(), mode: "geometric", now: NOW, lastFullRepackAt: undefined, options: o }).action).toBe("geometric");
  });
});
