import { describe, expect, it } from "vitest";
import { isRunning, parseStat, readStat, treeOf, type ProcStat } from "./proctree.js";

describe("parseStat", () => {
  it("reads fields after a comm containing spaces and parentheses", () => {
    const text = "4242 (we (ir) d) S 17 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 1000 10 184467 1 1";
    expect(parseStat(4242, text)).toEqual({ pid: 4242, ppid: 17, pgrp: 4242, state: "S", startTicks: 987654 });
  });

  it("reads this process", () => {
    const me = readStat(process.pid);
    expect(me?.ppid).toBe(process.ppid);
    expect(isRunning(process.pid, me?.startTicks)).toBe(true);
    expect(isRunning(process.pid, (me?.startTicks ?? 0) + 1)).toBe(false);
  });
});

describe("treeOf", () => {
  const p = (pid: number, ppid: number, pgrp: number, state = "S"): ProcStat => ({ pid, ppid, pgrp, state, startTicks: pid });
  it("follows ppid links and adds re-parented group members, leaving out zombies", () => {
    const procs = [p(1, 0, 1), p(10, 1, 10), p(11, 10, 10), p(12, 11, 12), p(13, 1, 10), p(14, 10, 10, "Z"), p(20, 1, 20)];
    expect(treeOf(10, 10, procs).map((x) => x.pid).sort((a, b) => a - b)).toEqual([10, 11, 12, 13]);
  });
});
