/**
 * One pass over /proc: every process's stat, cmdline, cwd and (optionally) the targets of its
 * descriptors. Processes that vanish mid-scan are skipped; permission errors mark a process as
 * not inspectable. Synchronous reads (measured faster than async fs on /proc), with a yield to
 * the event loop every few hundred processes so a daemon stays responsive.
 */
import { readdirSync, readlinkSync } from "node:fs";
import type { FdInfo, ProcInfo } from "./types.js";
import { isDenied, isGone, parseProcStat, PF_KTHREAD, readProcFile, splitNul } from "./procfs.js";

/** Raw result of a scan, turned into a snapshot by `ProcSnapshotImpl`. */
export interface RawScan {
  processes: ProcInfo[];
  /** Descriptors per inspected pid (only with `fds: true`). */
  fds: Map<number, FdInfo[]>;
  withFds: boolean;
}

export interface ScanContext {
  procRoot: string;
  /** Boot time in ms since the epoch. */
  bootMs: number;
  ticksPerSecond: number;
}

const YIELD_EVERY = 250;

/** Lists the numeric entries of /proc (thread-group leaders). */
export function listPids(procRoot: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync(procRoot)) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const pid = Number(name);
    if (Number.isInteger(pid)) pids.push(pid);
  }
  return pids;
}

/** Scans all processes. Never throws for a process that vanishes or cannot be read. */
export async function scanProc(ctx: ScanContext, withFds: boolean): Promise<RawScan> {
  const processes: ProcInfo[] = [];
  const fds = new Map<number, FdInfo[]>();
  const pids = listPids(ctx.procRoot);
  for (let i = 0; i < pids.length; i++) {
    if (i > 0 && i % YIELD_EVERY === 0) await new Promise<void>((r) => setImmediate(r));
    const pid = pids[i]!;
    const read = readProcess(ctx, pid, withFds);
    if (!read) continue;
    processes.push(read.info);
    if (read.fds) fds.set(pid, read.fds);
  }
  return { processes, fds, withFds };
}

/**
 * Reads one process; undefined when it is gone (or its stat is unreadable garbage).
 * `fds` is undefined unless requested and readable.
 */
export function readProcess(
  ctx: ScanContext,
  pid: number,
  withFds: boolean,
): { info: ProcInfo; fds: FdInfo[] | undefined } | undefined {
  const base = `${ctx.procRoot}/${pid}`;
  let statText: string;
  let cmdline: string;
  try {
    statText = readProcFile(`${base}/stat`);
  } catch (error) {
    // Gone: skip. Denied (hidepid=1): a process we know nothing about might hold anything.
    return isDenied(error) ? { info: unknownProcess(pid), fds: undefined } : undefined;
  }
  const stat = parseProcStat(statText);
  if (!stat) return undefined;
  const kthread = (stat.flags & PF_KTHREAD) !== 0;
  // A kernel thread's cmdline is always empty: no need to read it.
  if (kthread) cmdline = "";
  else {
    try {
      cmdline = readProcFile(`${base}/cmdline`);
    } catch (error) {
      if (isGone(error)) return undefined;
      cmdline = "";
    }
  }
  const zombie = stat.state === "Z" || stat.state === "X";
  let inspectable = true;
  let cwd: string | undefined;
  if (!kthread) {
    try {
      cwd = readlinkSync(`${base}/cwd`);
    } catch (error) {
      // ENOENT: zombie or exiting (its files are already released); EACCES: cannot inspect.
      if (isDenied(error) && !zombie) inspectable = false;
    }
  }
  let fds: FdInfo[] | undefined;
  if (withFds && !kthread && !zombie && inspectable) {
    const read = readFds(base, pid);
    if (read === "denied") inspectable = false;
    else fds = read;
  }
  const info: ProcInfo = {
    pid,
    ppid: stat.ppid,
    startTicks: stat.startTicks,
    startTime: Math.round(ctx.bootMs + (stat.startTicks * 1000) / ctx.ticksPerSecond),
    comm: stat.comm,
    argv: splitNul(cmdline),
    cwd,
    inspectable,
    state: stat.state,
  };
  return { info, fds };
}

/**
 * A process whose stat cannot be read: uninspectable, and started "at boot" so that it counts as
 * a possible writer of anything (conservative).
 */
function unknownProcess(pid: number): ProcInfo {
  return { pid, ppid: 0, startTicks: 0, startTime: 0, comm: "?", argv: [], cwd: undefined, inspectable: false, state: "?" };
}

/** readlink of every `/proc/<pid>/fd/*`; closed-in-between descriptors are skipped. */
export function readFds(base: string, pid: number): FdInfo[] | "denied" {
  let names: string[];
  try {
    names = readdirSync(`${base}/fd`);
  } catch (error) {
    return isDenied(error) ? "denied" : [];
  }
  const out: FdInfo[] = [];
  const dir = `${base}/fd/`;
  for (const name of names) {
    try {
      out.push({ pid, fd: Number(name), target: readlinkSync(dir + name) });
    } catch (error) {
      if (isDenied(error)) return "denied";
      // ENOENT: closed since readdir
    }
  }
  return out;
}
