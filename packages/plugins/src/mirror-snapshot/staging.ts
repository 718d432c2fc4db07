/**
 * Staging directories: every archive or restore is built in `<target>.tmp-<pid>` beside its final
 * path (same filesystem, so publishing is one rename) and never in the final path. The directory
 * holds an `owner` file (`<pid> <startTicks>`): a later run removes a staging directory whose
 * owner is dead (or whose pid was reused: start time differs) — what a kill -9 left behind. A
 * `<target>.tmp-<n>` directory without a valid owner file (naming that same pid and its start
 * ticks) was not made by gitmaint, or not completely: it is reported and never removed.
 */
import { lstat, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { ProcessTableApi } from "@gitmaint/core";

const OWNER_FILE = "owner";

/** `<target>.tmp-<pid>` */
export function stagingPathFor(target: string, pid: number = process.pid): string {
  return `${target}.tmp-${pid}`;
}

/** Creates this process's staging directory for `target` (replacing a leftover of our own pid). */
export async function createStaging(target: string, processes: ProcessTableApi): Promise<string> {
  const dir = stagingPathFor(target);
  await removeTree(dir);
  await mkdir(dir, { mode: 0o700 });
  await writeFile(join(dir, OWNER_FILE), `${process.pid} ${processes.startTicksOf(process.pid) ?? "?"}\n`);
  return dir;
}

export interface StaleStaging {
  path: string;
  pid: number;
  reason: string;
}

/** What a look beside a target found: gitmaint's dead stagings (to remove) and directories that only look like one (to keep). */
export interface StagingScan {
  stale: StaleStaging[];
  /** `<target>.tmp-<n>` directories without a valid gitmaint owner file: never removed. */
  foreign: StaleStaging[];
}

/** The start ticks an owner file records for `pid`, or undefined when it is not a gitmaint owner file for that pid. */
export function parseOwner(text: string, pid: number): number | undefined {
  const m = /^([1-9][0-9]*) ([0-9]+)\n?$/.exec(text);
  if (!m || Number(m[1]) !== pid) return undefined;
  return Number(m[2]);
}

/**
 * Staging directories of `target` left by dead processes. Conservative: only a directory whose
 * `owner` file names the pid of its name and a start time is ever stale (dead pid, or reused: start
 * time differs); a live pid with a matching start time keeps its directory; symlinks and plain
 * files are never candidates; a directory without a valid owner file is `foreign`.
 */
export async function findStaleStaging(target: string, processes: ProcessTableApi): Promise<StagingScan> {
  const parent = dirname(target);
  const prefix = `${basename(target)}.tmp-`;
  const scan: StagingScan = { stale: [], foreign: [] };
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return scan;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const digits = name.slice(prefix.length);
    if (!/^[1-9][0-9]*$/.test(digits)) continue;
    const pid = Number(digits);
    if (pid === process.pid) continue;
    const path = join(parent, name);
    const st = await lstat(path).catch(() => undefined);
    if (!st?.isDirectory()) continue;
    const ownerPath = join(path, OWNER_FILE);
    const ownerSt = await lstat(ownerPath).catch(() => undefined);
    const owner = ownerSt?.isFile() && ownerSt.size < 100 ? await readFile(ownerPath, "utf8").catch(() => "") : "";
    const recorded = parseOwner(owner, pid);
    if (recorded === undefined) {
      scan.foreign.push({ path, pid, reason: `no owner file written by gitmaint for pid ${pid} (pid and start time): not gitmaint's staging` });
      continue;
    }
    if (!processes.isAlive(pid)) {
      scan.stale.push({ path, pid, reason: `staging of pid ${pid}, which is dead` });
      continue;
    }
    const live = processes.startTicksOf(pid);
    if (live !== undefined && live !== recorded)
      scan.stale.push({ path, pid, reason: `staging of pid ${pid}, since reused by another process (start time differs)` });
  }
  return scan;
}

/** Removes a directory tree we created (symlinks inside are unlinked, never followed). */
export async function removeTree(path: string): Promise<boolean> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return false;
  await rm(path, { recursive: true, force: true });
  return true;
}
