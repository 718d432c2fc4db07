/**
 * gitmaint's own marks in a repository (DESIGN.md §3 invariant 7), all naming their owner by pid
 * and start time (clock ticks since boot):
 * - the temporary `.keep` of an output pack while a cycle writes and installs it:
 *   `objects/pack/pack-<hash>.keep` holding `gitmaint-aggregate pid=<pid> start=<ticks>`;
 * - the staging directory pack-objects writes into: `objects/gitmaint-aggregate-<pid>-<ticks>/`.
 * `sweepStale` removes those of dead owners (pid gone, or reused: start time differs). A stale
 * `.keep` whose pack never got its `.idx` also takes that pack's half-installed files with it: the
 * objects are still in the inputs and loose objects, which are deleted only after the install.
 */
import { lstat, readdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatGitmaintKeep, parseKeepContent, parsePackFileName, type ProcessTableApi } from "@gitmaint/core";

export interface Owner {
  pid: number;
  startTicks: number;
}

const STAGING_DIR_RE = /^gitmaint-aggregate-(\d+)-(\d+)$/;

/** gitmaint's identity for its marks. */
export function selfOwner(processes: Pick<ProcessTableApi, "startTicksOf">): Owner {
  return { pid: process.pid, startTicks: processes.startTicksOf(process.pid) ?? 0 };
}

export function stagingDirOf(objectsDir: string, owner: Owner): string {
  return join(objectsDir, `gitmaint-aggregate-${owner.pid}-${owner.startTicks}`);
}

/** Writes the marker `.keep` of an output pack (exclusive create: never overwrites someone's keep). */
export async function writeMarker(packDir: string, hash: string, owner: Owner): Promise<string> {
  const path = join(packDir, `pack-${hash}.keep`);
  await writeFile(path, formatGitmaintKeep(owner.pid, owner.startTicks), { flag: "wx", mode: 0o444 });
  return path;
}

/** Removes our marker `.keep` if it still holds our line (never a keep someone else wrote). */
export async function removeMarker(packDir: string, hash: string, owner: Owner): Promise<boolean> {
  const path = join(packDir, `pack-${hash}.keep`);
  const content = await readFile(path, "utf8").catch(() => undefined);
  if (content === undefined) return false;
  const k = parseKeepContent(content);
  if (k?.kind !== "gitmaint-keep" || k.pid !== owner.pid || k.startTicks !== owner.startTicks) return false;
  await unlink(path).catch(() => {});
  return true;
}

/** True when that owner is gone (dead pid, or pid reused by a process with another start time). */
export function ownerDead(processes: Pick<ProcessTableApi, "isAlive" | "startTicksOf">, owner: Owner): boolean {
  if (owner.pid === process.pid) return owner.startTicks !== (processes.startTicksOf(process.pid) ?? 0);
  if (!processes.isAlive(owner.pid)) return true;
  const ticks = processes.startTicksOf(owner.pid);
  return ticks !== undefined && ticks !== owner.startTicks;
}

export interface SweepResult {
  /** Paths removed, relative to the objects dir. */
  removed: string[];
  /** Stale markers of packs that are complete: the marker went, the pack stays. */
  markers: string[];
}

/**
 * Removes stale markers and staging directories of dead owners. `record` is called for each path
 * before it is deleted (the journal). Never follows a symlink; only our own name patterns.
 */
export async function sweepStale(
  objectsDir: string,
  processes: Pick<ProcessTableApi, "isAlive" | "startTicksOf">,
  record: (rel: string, reason: string) => Promise<void>,
): Promise<SweepResult> {
  const out: SweepResult = { removed: [], markers: [] };
  const packDir = join(objectsDir, "pack");
  for (const name of await readdir(objectsDir).catch(() => [] as string[])) {
    const m = STAGING_DIR_RE.exec(name);
    if (!m || !ownerDead(processes, { pid: Number(m[1]), startTicks: Number(m[2]) })) continue;
    const st = await lstat(join(objectsDir, name)).catch(() => undefined);
    if (!st?.isDirectory()) continue;
    await record(name, `staging directory of a dead gitmaint (pid ${m[1]})`);
    await rm(join(objectsDir, name), { recursive: true, force: true });
    out.removed.push(name);
  }
  const names = new Set(await readdir(packDir).catch(() => [] as string[]));
  for (const name of names) {
    const p = parsePackFileName(name);
    if (p?.ext !== "keep") continue;
    const content = await readFile(join(packDir, name), "utf8").catch(() => undefined);
    const k = content === undefined ? undefined : parseKeepContent(content);
    if (k?.kind !== "gitmaint-keep" || !ownerDead(processes, { pid: k.pid, startTicks: k.startTicks ?? 0 })) continue;
    const base = `pack-${p.hash}`;
    if (!names.has(`${base}.idx`)) {
      // never fully installed: its files are copies of objects that still exist elsewhere
      for (const ext of ["pack", "rev"]) {
        if (!names.has(`${base}.${ext}`)) continue;
        await record(`pack/${base}.${ext}`, `half-installed output of a dead gitmaint aggregation (pid ${k.pid})`);
        await unlink(join(packDir, `${base}.${ext}`)).catch(() => {});
        out.removed.push(`pack/${base}.${ext}`);
      }
    } else out.markers.push(`pack/${name}`);
    await record(`pack/${name}`, `stale aggregation marker of a dead gitmaint (pid ${k.pid})`);
    await unlink(join(packDir, name)).catch(() => {});
    out.removed.push(`pack/${name}`);
  }
  return out;
}
