import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ProgressThrottle, parseProgress } from "./progress.js";
import { StderrCollector } from "./stderr.js";
import type { GitProgress } from "./types.js";

/** Real stderr captured from git 2.39.5 (`pack-objects --progress --stdout`, `clone --no-local --progress`). */
const packObjects = readFileSync(new URL("./testdata/pack-objects-progress.stderr", import.meta.url), "utf8");
const clone = readFileSync(new URL("./testdata/clone-progress.stderr", import.meta.url), "utf8");

function linesOf(text: string): string[] {
  const out: string[] = [];
  const c = new StderrCollector((l) => out.push(l));
  c.push(text);
  c.end();
  return out;
}

describe("parseProgress", () => {
  it("parses phases with a total", () => {
    expect(parseProgress("Counting objects:  45% (9/20)")).toEqual({ phase: "Counting objects", percent: 45, done: 9, total: 20, finished: false });
    expect(parseProgress("Compressing objects: 100% (12/12), done.")).toEqual({
      phase: "Compressing objects",
      percent: 100,
      done: 12,
      total: 12,
      finished: true,
    });
    expect(parseProgress("Writing objects:  50% (10/20)")?.phase).toBe("Writing objects");
  });

  it("parses phases without a total", () => {
    expect(parseProgress("Enumerating objects: 123, done.")).toEqual({
      phase: "Enumerating objects",
      percent: undefined,
      done: 123,
      total: undefined,
      finished: true,
    });
    expect(parseProgress("Enumerating objects: 7")?.finished).toBe(false);
  });

  it("strips the remote prefix and padding, and reads throughput lines", () => {
    expect(parseProgress("remote: Counting objects: 100% (240/240), done.        ")).toEqual({
      phase: "Counting objects",
      percent: 100,
      done: 240,
      total: 240,
      finished: true,
    });
    expect(parseProgress("Receiving objects: 100% (240/240), 17.68 KiB | 1.61 MiB/s, done.")?.finished).toBe(true);
    expect(parseProgress("Receiving objects:  27% (65/240), 1.00 KiB | 1.00 MiB/s")).toMatchObject({ percent: 27, finished: false });
  });

  it("ignores lines that are not progress", () => {
    for (const line of [
      "Cloning into 'c'...",
      "Total 240 (delta 102), reused 0 (delta 0), pack-reused 0",
      "remote: Total 240 (delta 102), reused 0 (delta 0), pack-reused 0        ",
      "fatal: 128",
      "error: 3 objects missing",
      "Delta compression using up to 2 threads",
      "",
    ]) {
      expect(parseProgress(line), line).toBeUndefined();
    }
  });

  it("reads every phase of a real pack-objects run, ending at 100% done", () => {
    const parsed = linesOf(packObjects).map(parseProgress).filter((p): p is GitProgress => p !== undefined);
    const phases = [...new Set(parsed.map((p) => p.phase))];
    expect(phases).toEqual(["Enumerating objects", "Counting objects", "Compressing objects"]);
    const finals = parsed.filter((p) => p.finished);
    expect(finals.map((p) => p.phase)).toEqual(phases);
    for (const f of finals.filter((p) => p.total !== undefined)) expect(f).toMatchObject({ percent: 100 });
    expect(finals[0]).toMatchObject({ done: 240, total: undefined });
    // percent never goes backwards within a phase
    for (const phase of phases) {
      const pct = parsed.filter((p) => p.phase === phase && p.percent !== undefined).map((p) => p.percent as number);
      expect([...pct].sort((a, b) => a - b)).toEqual(pct);
    }
  });

  it("reads remote and local phases of a real clone", () => {
    const parsed = linesOf(clone).map(parseProgress).filter((p): p is GitProgress => p !== undefined);
    const finals = parsed.filter((p) => p.finished).map((p) => `${p.phase}:${p.done}/${p.total ?? "-"}`);
    expect(finals).toEqual([
      "Enumerating objects:240/-",
      "Counting objects:240/240",
      "Compressing objects:218/218",
      "Receiving objects:240/240",
      "Resolving deltas:102/102",
    ]);
  });
});

describe("ProgressThrottle", () => {
  it("admits at most one line per interval, plus phase starts, first 100% and done lines", () => {
    let now = 0;
    const t = new ProgressThrottle(100, () => now);
    const p = (phase: string, percent: number, finished = false): GitProgress => ({ phase, percent, done: percent, total: 100, finished });
    expect(t.admit(p("A", 1))).toBe(true); // first of phase
    now = 50;
    expect(t.admit(p("A", 2))).toBe(false);
    now = 99;
    expect(t.admit(p("A", 3))).toBe(false);
    now = 101;
    expect(t.admit(p("A", 4))).toBe(true); // interval passed
    now = 120;
    expect(t.admit(p("A", 100))).toBe(true); // first 100%
    now = 121;
    expect(t.admit(p("A", 100))).toBe(false); // repeated 100%
    expect(t.admit(p("A", 100, true))).toBe(true); // done
    now = 122;
    expect(t.admit(p("B", 0))).toBe(true); // new phase
    expect(t.admit(p("B", 1))).toBe(false);
  });

  it("thins the real pack-objects stderr to a few events that still end every phase", () => {
    const t = new ProgressThrottle(100, () => 0); // all lines at the same instant
    const parsed = linesOf(packObjects).map(parseProgress).filter((p): p is GitProgress => p !== undefined);
    const admitted = parsed.filter((p) => t.admit(p));
    expect(parsed.length).toBeGreaterThan(200);
    expect(admitted.length).toBeLessThanOrEqual(12);
    expect(admitted.filter((p) => p.finished).length).toBe(3);
  });
});
