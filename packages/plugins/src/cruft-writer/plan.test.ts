import { describe, expect, it } from "vitest";
import { defaultOptions } from "./options.js";
import { atLeast, parseVersion, planSteps, type PlanInput } from "./plan.js";
import type { Decision, RepackAction } from "./strategy.js";

const v = parseVersion;
const decision = (action: RepackAction, extra: Partial<Decision> = {}): Decision => ({
  action,
  reasons: [],
  packRefs: false,
  commitGraph: action !== "none",
  ...extra,
});
function plan(action: RepackAction, version: string, extra: Partial<PlanInput> = {}, opts = {}) {
  return planSteps({
    decision: decision(action),
    version: v(version),
    bare: false,
    packDir: "/r/objects/pack",
    options: defaultOptions({ packThreads: 2, ...opts }),
    ...extra,
  });
}
const argvs = (p: ReturnType<typeof planSteps>) => p.steps.map((s) => s.args.join(" "));

describe("version helpers", () => {
  it("parses and compares", () => {
    expect(v("git version 2.39.5")).toMatchObject({ major: 2, minor: 39, patch: 5, text: "2.39.5" });
    expect(v("2.36")).toMatchObject({ major: 2, minor: 36, patch: 0 });
    expect(atLeast(v("2.39.5"), 2, 37)).toBe(true);
    expect(atLeast(v("2.36.9"), 2, 37)).toBe(false);
    expect(atLeast(v("3.0.0"), 2, 43)).toBe(true);
    expect(() => v("banana")).toThrow(/cannot parse/);
  });
});

describe("planSteps", () => {
  it("full on git 2.39: cruft repack, prune --expire <grace>, commit-graph replace", () => {
    const p = plan("full", "2.39.5");
    expect(argvs(p)).toEqual([
      "repack --cruft --cruft-expiration=2.weeks.ago -d -l --write-midx",
      "prune --expire 2.weeks.ago -v --progress",
      "commit-graph write --reachable --split=replace --progress",
    ]);
    expect(p.steps[0]?.config).toEqual({ "pack.threads": "2", "pack.windowMemory": "256m" });
    expect(p.notes).toEqual([]);
  });

  it("full on a bare repository writes a pack bitmap (no multi-pack bitmap); --max-cruft-size only from 2.43", () => {
    const old = plan("full", "2.39.5", { bare: true }, { maxCruftSize: "1g" });
    expect(old.steps[0]?.args).toEqual(["repack", "--cruft", "--cruft-expiration=2.weeks.ago", "-d", "-l", "-b"]);
    expect(old.notes.join()).toMatch(/no --max-cruft-size \(needs 2.43\): ignored/);
    const neu = plan("full", "2.43.0", { bare: true }, { maxCruftSize: "1g" });
    expect(neu.steps[0]?.args).toContain("--max-cruft-size=1g");
    const noBitmap = plan("full", "2.39.5", { bare: true }, { writeBitmaps: false }).steps[0]?.args;
    expect(noBitmap).not.toContain("-b");
    expect(noBitmap).toContain("--write-midx");
  });

  it("full on git < 2.37: repack -A --unpack-unreachable=<grace> and says so", () => {
    const p = plan("full", "2.36.0", {}, { grace: "3.days.ago" });
    expect(argvs(p)).toEqual([
      "repack -A --unpack-unreachable=3.days.ago -d -l --write-midx",
      "prune --expire 3.days.ago -v --progress",
      "commit-graph write --reachable --split=replace --progress",
    ]);
    expect(p.notes.join()).toMatch(/git 2.36.0 has no cruft packs \(needs 2.37\)/);
  });

  it("never plans a plain prune or an all-into-one -d without --cruft/-A, on any version", () => {
    for (const version of ["2.30.0", "2.33.0", "2.36.0", "2.37.0", "2.39.5", "2.43.0", "2.45.2"]) {
      for (const action of ["none", "pack-loose", "geometric", "full"] as const) {
        for (const s of plan(action, version).steps) {
          if (s.args[0] === "prune") expect(s.args).toContain("--expire");
          if (s.args[0] === "repack" && s.args.includes("-d") && !s.args.some((a) => a.startsWith("--geometric"))) {
            if (s.args.includes("-a") || action === "full") expect(s.args.some((a) => a === "--cruft" || a === "-A")).toBe(true);
          }
        }
      }
    }
  });

  it("geometric with midx; older git degrades and says so", () => {
    expect(argvs(plan("geometric", "2.39.5"))).toEqual([
      "repack -d -l --geometric=2 --write-midx",
      "commit-graph write --reachable --split --progress",
    ]);
    const g33 = plan("geometric", "2.33.0");
    expect(g33.steps[0]?.args).toEqual(["repack", "-d", "-l", "--geometric=2"]);
    expect(g33.notes.join()).toMatch(/multi-pack-index from repack \(needs 2.34\)/);
    const g31 = plan("geometric", "2.31.0");
    expect(g31.steps[0]?.args).toEqual(["repack", "-d", "-l"]);
    expect(g31.notes.join()).toMatch(/no geometric repack \(needs 2.32\)/);
  });

  it("pack-loose packs every loose object then prunes the packed ones", () => {
    const p = plan("pack-loose", "2.39.5");
    expect(argvs(p)).toEqual([
      "pack-objects --pack-loose-unreachable --local --incremental --non-empty --progress /r/objects/pack/pack",
      "prune-packed",
      "commit-graph write --reachable --split --progress",
    ]);
    expect(p.steps[0]?.input).toBe("");
  });

  it("pack-refs comes first; none plans nothing else", () => {
    const p = planSteps({
      decision: decision("none", { packRefs: true }),
      version: v("2.39.5"),
      bare: true,
      packDir: "/p",
      options: defaultOptions(),
    });
    expect(argvs(p)).toEqual(["pack-refs --all"]);
    expect(argvs(plan("none", "2.39.5"))).toEqual([]);
  });

  it("writeMidx false leaves --write-midx out", () => {
    expect(plan("full", "2.39.5", {}, { writeMidx: false }).steps[0]?.args).not.toContain("--write-midx");
  });
});
