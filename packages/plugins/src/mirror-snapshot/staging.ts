/**
 * Staging directories: every archive or restore is built in `<target>.tmp-<pid>` beside its final
 * path (same filesystem, so publishing is one rename) and never in the final path. The directory
 * holds an `owner` file (`<pid> <startTicks>`): a later run removes a staging directory whose
 * owner is dead (or whose pid was reused: start time differs) — what a kill -9 left behind.
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

/**
 * Staging directories of `target` left by dead processes. Conservative: a live pid with a matching
 * (or unreadable) start time keeps its directory; symlinks and plain files are never candidates.
 */
export async function findStaleStaging(target: string, processes: ProcessTableApi): Promise<StaleStaging[]> {
  const parent = dirname(target);
  const prefix = `${basename(target)}.tmp-`;
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const stale: StaleStaging[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const digits = name.slice(prefix.length);
    if (!/^[1-9][0-9]*$/.test(digits)) continue;
    const pid = Number(digits);
    if (pid === process.pid) continue;
    const path = join(parent, name);
    const st = await lstat(path).catch(() => undefined);
    if (!st?.isDirectory()) continue;
    const owner = await readFile(join(path, OWNER_FILE), "utf8").catch(() => "");
    const recorded = owner.trim().split(" ")[1];
    if (!processes.isAlive(pid)) {
      stale.push({ path, pid, reason: `staging of pid ${pid}, which is dead` });
      continue;
    }
    const live = processes.startTicksOf(pid);
    if (recorded && recorded !== "?" && live !== undefined && String(live) !== recorded)
      stale.push({ path, pid, reason: `staging of pid ${pid}, since reused by another process (start time differs)` });
  }
  return stale;
}

/** Removes a directory tree we created (symlinks inside are unlinked, never followed). */
export async function removeTree(path: string): Promise<boolean> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return false;
  await rm(path, { recursive: true, force: true });
  return true;
}
