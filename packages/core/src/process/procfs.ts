/**
 * Low-level /proc reading: small-file reads with one shared buffer, the parser of
 * `/proc/<pid>/stat`, the boot time and the clock tick rate. Pure functions are exported for tests.
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { endianness } from "node:os";

/** The fields of `/proc/<pid>/stat` that gitmaint uses. */
export interface ProcStat {
  pid: number;
  /** The command name between the parentheses (may contain spaces and parentheses). */
  comm: string;
  /** State letter: R, S, D, T (stopped), t (traced), Z (zombie), X (dead), I (idle kthread)... */
  state: string;
  ppid: number;
  /** Kernel task flags (field 9); PF_KTHREAD marks kernel threads. */
  flags: number;
  /** Start time in clock ticks since boot (field 22). */
  startTicks: number;
}

/** Kernel thread flag in /proc/<pid>/stat field 9. */
export const PF_KTHREAD = 0x00200000;

/**
 * Parses one `/proc/<pid>/stat` line. The comm field is `(name)` and the name may itself contain
 * spaces and parentheses, so the fields after it are split after the LAST `)`.
 * Returns undefined for a malformed line.
 */
export function parseProcStat(line: string): ProcStat | undefined {
  const open = line.indexOf("(");
  const close = line.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const pid = Number(line.slice(0, open).trim());
  const comm = line.slice(open + 1, close);
  // Fields after comm start at field 3 (state). Only fields 3, 4, 9 and 22 are needed: walk the
  // whitespace-separated tokens without splitting the whole line (a scan parses ~1,000 of these).
  let state = "";
  let ppid = NaN;
  let flags = NaN;
  let startTicks = NaN;
  let field = 3;
  let i = close + 1;
  const end = line.length;
  while (field <= 22) {
    while (i < end && isSpace(line.charCodeAt(i))) i++;
    if (i >= end) return undefined; // fewer than 20 fields after comm
    let j = i;
    while (j < end && !isSpace(line.charCodeAt(j))) j++;
    if (field === 3) state = line.slice(i, j);
    else if (field === 4) ppid = Number(line.slice(i, j));
    else if (field === 9) flags = Number(line.slice(i, j));
    else if (field === 22) startTicks = Number(line.slice(i, j));
    field++;
    i = j;
  }
  if (!Number.isInteger(pid) || !Number.isFinite(ppid) || !Number.isFinite(startTicks) || state === "") {
    return undefined;
  }
  return { pid, comm, state, ppid, flags: Number.isFinite(flags) ? flags : 0, startTicks };
}

/** Space, tab, newline, carriage return, form feed, vertical tab. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Extracts the `btime` line (boot time, seconds since the epoch) of `/proc/stat`, in ms. */
export function parseBtime(procStat: string): number | undefined {
  const m = /^btime\s+(\d+)\s*$/m.exec(procStat);
  return m?.[1] ? Number(m[1]) * 1000 : undefined;
}

/** Boot time in ms since the epoch, read from `<procRoot>/stat`; undefined without /proc. */
export function bootTimeMs(procRoot = "/proc"): number | undefined {
  try {
    return parseBtime(readFileSync(`${procRoot}/stat`, "latin1"));
  } catch {
    return undefined;
  }
}

const AT_CLKTCK = 17;

/**
 * Reads AT_CLKTCK from an auxiliary vector (`/proc/self/auxv`); the tick rate of
 * `/proc/<pid>/stat` times. Returns undefined when absent.
 */
export function parseAuxvClockTicks(auxv: Buffer, wordBytes: 4 | 8, littleEndian: boolean): number | undefined {
  const read = (off: number): number =>
    wordBytes === 8
      ? Number(littleEndian ? auxv.readBigUInt64LE(off) : auxv.readBigUInt64BE(off))
      : littleEndian
        ? auxv.readUInt32LE(off)
        : auxv.readUInt32BE(off);
  for (let off = 0; off + 2 * wordBytes <= auxv.length; off += 2 * wordBytes) {
    const type = read(off);
    if (type === 0) break;
    if (type === AT_CLKTCK) {
      const value = read(off + wordBytes);
      return value > 0 && value < 1_000_000 ? value : undefined;
    }
  }
  return undefined;
}

/** The clock tick rate (USER_HZ): from /proc/self/auxv, else 100 (Linux's fixed USER_HZ). */
export function clockTicksPerSecond(procRoot = "/proc"): number {
  try {
    const auxv = readFileSync(`${procRoot}/self/auxv`);
    const wordBytes = /64|s390x/.test(process.arch) ? 8 : 4;
    return parseAuxvClockTicks(auxv, wordBytes, endianness() === "LE") ?? 100;
  } catch {
    return 100;
  }
}

/** Splits a NUL-separated /proc file (cmdline, environ); drops the trailing empty item. */
export function splitNul(text: string): string[] {
  if (text === "") return [];
  const parts = text.split("\0");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts;
}

let shared = Buffer.allocUnsafe(16 * 1024);

/**
 * Reads a small /proc file (size 0 in stat, so no fstat) with one reusable buffer: open, read
 * until EOF, close. Throws the fs error (ENOENT/ESRCH when the process is gone).
 */
export function readProcFile(path: string): string {
  const fd = openSync(path, "r");
  try {
    let length = 0;
    for (;;) {
      if (length === shared.length) {
        const bigger = Buffer.allocUnsafe(shared.length * 2);
        shared.copy(bigger, 0, 0, length);
        shared = bigger;
      }
      const n = readSync(fd, shared, length, shared.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return shared.toString("utf8", 0, length);
  } finally {
    closeSync(fd);
  }
}

/** The errno code of a thrown fs error, or undefined. */
export function errnoOf(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : undefined;
}

/** True for errors meaning "the process (or fd) is gone": ENOENT, ESRCH. */
export function isGone(error: unknown): boolean {
  const code = errnoOf(error);
  return code === "ENOENT" || code === "ESRCH";
}

/** True for permission errors: EACCES, EPERM. */
export function isDenied(error: unknown): boolean {
  const code = errnoOf(error);
  return code === "EACCES" || code === "EPERM";
}
