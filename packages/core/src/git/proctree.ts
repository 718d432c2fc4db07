/**
 * Minimal /proc reading for killing a git child's process tree: each process's parent, process
 * group, state and start time. (The full ProcessTable lives in process/; this stays separate so
 * GitRunner works without one.) Without /proc every function degrades to "nothing known".
 */
import { readFileSync, readdirSync } from "node:fs";

export interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  /** State letter: R, S, D, T, Z (zombie), X (dead) ... */
  state: string;
  /** Start time in clock ticks since boot: with pid, a stable identity. */
  startTicks: number;
}

/** Parses /proc/<pid>/stat; undefined when the process is gone or unreadable. */
export function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  return parseStat(pid, text);
}

export function parseStat(pid: number, text: string): ProcStat | undefined {
  // comm (field 2) may contain spaces and parentheses: the fields after it start after the last ')'.
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const f = text.slice(close + 2).split(" ");
  const state = f[0];
  const ppid = Number(f[1]);
  const pgrp = Number(f[2]);
  const startTicks = Number(f[19]);
  if (state === undefined || !Number.isFinite(ppid) || !Number.isFinite(startTicks)) return undefined;
  return { pid, ppid, pgrp, state, startTicks };
}

/** Every process readable in /proc (processes vanishing mid-scan are skipped). */
export function scanProcs(): ProcStat[] {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(Number(name));
    if (st) out.push(st);
  }
  return out;
}

/** True when the process exists, is not a zombie, and (if given) has the same start time. */
export function isRunning(pid: number, startTicks?: number): boolean {
  const st = readStat(pid);
  if (!st || st.state === "Z" || st.state === "X") return false;
  return startTicks === undefined || st.startTicks === startTicks;
}

/**
 * The tree of `root` in one scan: the root, every descendant by ppid links, and every member of
 * the process group `pgrp` (descendants that were re-parented after their parent died are only
 * found through the group). Zombies are left out: they are dead already.
 */
export function treeOf(root: number, pgrp: number, procs: readonly ProcStat[] = scanProcs()): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const p of procs) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const found = new Map<number, ProcStat>();
  const rootStat = procs.find((p) => p.pid === root);
  const queue: number[] = [root];
  if (rootStat) found.set(root, rootStat);
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    for (const c of children.get(pid) ?? []) {
      if (found.has(c.pid)) continue;
      found.set(c.pid, c);
      queue.push(c.pid);
    }
  }
  for (const p of procs) if (p.pgrp === pgrp && !found.has(p.pid)) found.set(p.pid, p);
  return [...found.values()].filter((p) => p.state !== "Z" && p.state !== "X");
}
