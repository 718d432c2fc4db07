/**
 * Finds git's temporary files and locks in a repository. It looks only where those names can
 * live (objects/pack, the 256 fan-out dirs, objects/, objects/info, objects/info/commit-graphs,
 * the top of the git dir, refs/**, worktrees/<name>/), uses lstat only (a symlink is reported as
 * such and never followed), and reports unreadable directories as problems instead of throwing.
 */
import type { Dirent } from "node:fs";
import { join, relative, sep } from "node:path";
import {
  changeMs,
  direntIsDirectory,
  lstatSafe,
  measureTree,
  readDirSafe,
  readNamesSafe,
  readSmallNoFollow,
  throwIfAborted,
} from "./fs-walk.js";
import { parseHolder } from "../locks/holder.js";
import { classifyTmpPath, parseGcPid, parseKeepContent, stagingPid, type TmpFacts } from "./tmp-classify.js";
import type { ScanProblem, TmpEntry, TmpKind, TmpScan } from "./tmpfiles-types.js";
import type { Repository } from "./types.js";

/** The places a scan can cover. */
export type ScanPlace = "pack" | "fanout" | "objects" | "info" | "gitdir" | "refs" | "worktrees";

export const ALL_PLACES: readonly ScanPlace[] = ["pack", "fanout", "objects", "info", "gitdir", "refs", "worktrees"];

export interface ScanOptions {
  /** Only entries whose newestChangeMs is at or after this time (ms since the epoch). */
  since?: number;
  signal?: AbortSignal;
  /** Restrict the scan to these places (default: all). Quarantine dirs live in "objects". */
  places?: readonly ScanPlace[];
  /**
   * Share scans between the readers of one report (e.g. `Engine.status` and the plugins' status
   * hooks), so the 256 fan-out dirs are read once. With `shareMs` set, the result is published
   * for other sharing callers; with `shareMs > 0` a published scan of the same repository, places
   * and `since` is returned instead of scanning when it is still running or finished at most
   * `shareMs` ago. `0` always scans (and publishes). Only for read-only reports: never for a pass
   * that deletes. Callers without `shareMs` never see or publish a shared scan.
   */
  shareMs?: number;
}

interface Ctx {
  repo: Repository;
  entries: TmpEntry[];
  problems: ScanProblem[];
  signal: AbortSignal | undefined;
}

/** Published scans (see `ScanOptions.shareMs`): finished ones are pruned after SHARE_MAX_MS. */
const shared = new Map<string, { scan: Promise<TmpScan>; doneAt: number | undefined }>();
const SHARE_MAX_MS = 60_000;

/** Scans a repository for temporary files, quarantine dirs, locks and orphaned pack indexes. */
export async function scanTemporaries(repo: Repository, options: ScanOptions = {}): Promise<TmpScan> {
  const share = options.shareMs;
  if (share === undefined) return scanOnce(repo, options);
  throwIfAborted(options.signal);
  const now = Date.now();
  for (const [k, v] of shared) if (v.doneAt !== undefined && now - v.doneAt > SHARE_MAX_MS) shared.delete(k);
  const key = `${repo.id}\0${[...new Set(options.places ?? ALL_PLACES)].sort().join(",")}\0${options.since ?? ""}`;
  const hit = shared.get(key);
  if (hit && share > 0 && (hit.doneAt === undefined || now - hit.doneAt <= share)) {
    try {
      return copyScan(await hit.scan);
    } catch {
      // the publisher's scan failed or was aborted by its own signal: scan for ourselves
    }
  }
  const own = { scan: scanOnce(repo, options), doneAt: undefined as number | undefined };
  shared.set(key, own);
  try {
    const result = await own.scan;
    own.doneAt = Date.now();
    return copyScan(result);
  } catch (error) {
    if (shared.get(key) === own) shared.delete(key);
    throw error;
  }
}

function copyScan(scan: TmpScan): TmpScan {
  return { entries: [...scan.entries], problems: [...scan.problems] };
}

async function scanOnce(repo: Repository, options: ScanOptions): Promise<TmpScan> {
  const ctx: Ctx = { repo, entries: [], problems: [], signal: options.signal };
  const places = new Set(options.places ?? ALL_PLACES);
  const steps: Array<[ScanPlace, (c: Ctx) => Promise<void>]> = [
    ["pack", scanPackDir],
    ["fanout", scanFanout],
    ["objects", scanObjectsTop],
    ["info", scanInfo],
    ["gitdir", scanGitDirTop],
    ["refs", scanRefs],
    ["worktrees", scanWorktrees],
  ];
  for (const [place, step] of steps) {
    if (!places.has(place)) continue;
    throwIfAborted(ctx.signal);
    await step(ctx);
  }
  const since = options.since;
  const entries = since === undefined ? ctx.entries : ctx.entries.filter((e) => e.newestChangeMs >= since);
  return { entries, problems: ctx.problems };
}

/** Classifies and records an entry known only by name (lstat decides whether it is a directory). */
async function considerName(ctx: Ctx, dir: string, name: string): Promise<void> {
  const path = join(dir, name);
  const st = await lstatSafe(path, ctx.problems);
  if (!st) return;
  const kind = classifyTmpPath(ctx.repo, path, st.isDirectory());
  if (!kind) return;
  await record(ctx, path, kind);
}

/** Classifies and records one directory entry (lstat, sizes, owner pid). */
async function consider(ctx: Ctx, dir: string, dirent: Dirent, facts?: TmpFacts): Promise<void> {
  const path = join(dir, dirent.name);
  const isDir = await direntIsDirectory(dir, dirent);
  const kind = classifyTmpPath(ctx.repo, path, isDir, facts);
  if (!kind) return;
  await record(ctx, path, kind);
}

async function record(ctx: Ctx, path: string, kind: TmpKind, owner: Partial<TmpEntry> = {}): Promise<void> {
  const st = await lstatSafe(path, ctx.problems);
  if (!st) return;
  const isSymlink = st.isSymbolicLink();
  const isDirectory = !isSymlink && st.isDirectory();
  let bytes = st.size;
  let newest = changeMs(st);
  if (isDirectory) ({ bytes, newestChangeMs: newest } = await measureTree(path, st, ctx.problems, ctx.signal));
  const entry: TmpEntry = {
    path,
    rel: relTo(ctx.repo, path),
    kind,
    isDirectory,
    bytes,
    mtimeMs: st.mtimeMs,
    ctimeMs: st.ctimeMs,
    newestChangeMs: newest,
    isSymlink,
    ...owner,
  };
  if (kind === "repack-staging") entry.pid = stagingPid(path.slice(path.lastIndexOf(sep) + 1));
  if (kind === "gc-pid" && !isSymlink) {
    const gc = parseGcPid((await readSmallNoFollow(path)) ?? "");
    if (gc) Object.assign(entry, gc);
  }
  if (kind === "lock" && st.isFile()) Object.assign(entry, await lockHolderOwner(path));
  ctx.entries.push(entry);
}

/**
 * The holder gitmaint's Locks write into a lock it holds (`objects/maintenance.lock` carries
 * `{pid, startTicks, host, owner, acquiredAt}`; git's own locks are empty or not JSON): its pid,
 * start ticks and host, so the liveness proof keeps the lock while that process lives. Git's
 * maintenance.lock is never held open by gitmaint, so without this it would look dead.
 */
async function lockHolderOwner(path: string): Promise<Pick<TmpEntry, "pid" | "startTicks" | "host">> {
  const holder = parseHolder((await readSmallNoFollow(path, 1024)) ?? "");
  if (!holder) return {};
  return {
    pid: holder.pid,
    host: holder.host,
    ...(holder.startTicks === undefined ? {} : { startTicks: holder.startTicks }),
  };
}

/** Path relative to the common git dir, or to the objects dir when that lives elsewhere. */
export function relTo(repo: Repository, path: string): string {
  const rel = relative(repo.commonDir, path);
  return rel.startsWith("..") ? relative(repo.objectsDir, path) : rel;
}

async function scanPackDir(ctx: Ctx): Promise<void> {
  const dir = ctx.repo.packDir;
  const dirents = await readDirSafe(dir, ctx.problems);
  if (!dirents) return;
  const names = new Set(dirents.map((d) => d.name));
  for (const d of dirents) {
    if (d.name.startsWith("pack-") && d.name.endsWith(".keep")) {
      if (!d.isFile()) continue; // a symlinked or odd .keep is never ours to classify
      const content = await readSmallNoFollow(join(dir, d.name));
      const owner = content === undefined ? undefined : parseKeepContent(content);
      if (!owner) continue;
      const { kind, ...rest } = owner;
      await record(ctx, join(dir, d.name), kind, rest);
    } else if (d.name.startsWith("pack-") && d.name.endsWith(".idx")) {
      await consider(ctx, dir, d, { packExists: names.has(`${d.name.slice(0, -".idx".length)}.pack`) });
    } else {
      await consider(ctx, dir, d);
    }
  }
}

/**
 * The 256 fan-out dirs hold the loose objects (tens of thousands of names): read names only and
 * lstat just the `tmp_*` ones, never a Dirent or a stat per loose object.
 */
async function scanFanout(ctx: Ctx): Promise<void> {
  const dirs = Array.from({ length: 256 }, (_, i) => join(ctx.repo.objectsDir, i.toString(16).padStart(2, "0")));
  const BATCH = 32;
  for (let i = 0; i < dirs.length; i += BATCH) {
    throwIfAborted(ctx.signal);
    await Promise.all(
      dirs.slice(i, i + BATCH).map(async (dir) => {
        const names = await readNamesSafe(dir, ctx.problems);
        for (const name of names ?? []) if (name.startsWith("tmp_")) await considerName(ctx, dir, name);
      }),
    );
  }
}

async function scanObjectsTop(ctx: Ctx): Promise<void> {
  const dir = ctx.repo.objectsDir;
  for (const d of (await readDirSafe(dir, ctx.problems)) ?? []) {
    if (d.name === "pack" || d.name === "info" || /^[0-9a-f]{2}$/.test(d.name)) continue;
    await consider(ctx, dir, d);
  }
}

async function scanInfo(ctx: Ctx): Promise<void> {
  const info = join(ctx.repo.objectsDir, "info");
  for (const d of (await readDirSafe(info, ctx.problems)) ?? []) await consider(ctx, info, d);
  const graphs = join(info, "commit-graphs");
  for (const d of (await readDirSafe(graphs, ctx.problems)) ?? []) await consider(ctx, graphs, d);
}

async function scanGitDirTop(ctx: Ctx): Promise<void> {
  const dir = ctx.repo.commonDir;
  for (const d of (await readDirSafe(dir, ctx.problems)) ?? []) {
    if (!d.isDirectory()) await consider(ctx, dir, d); // consider() re-checks untyped entries
  }
}

async function scanRefs(ctx: Ctx): Promise<void> {
  const stack = [join(ctx.repo.commonDir, "refs")];
  while (stack.length > 0) {
    throwIfAborted(ctx.signal);
    const dir = stack.pop() as string;
    for (const d of (await readDirSafe(dir, ctx.problems)) ?? []) {
      if (await direntIsDirectory(dir, d)) stack.push(join(dir, d.name));
      else if (d.name.endsWith(".lock")) await consider(ctx, dir, d);
    }
  }
}

async function scanWorktrees(ctx: Ctx): Promise<void> {
  const root = join(ctx.repo.commonDir, "worktrees");
  for (const wt of (await readDirSafe(root, ctx.problems)) ?? []) {
    if (!(await direntIsDirectory(root, wt))) continue;
    const dir = join(root, wt.name);
    for (const d of (await readDirSafe(dir, ctx.problems)) ?? []) {
      if (d.name.endsWith(".lock")) await consider(ctx, dir, d);
    }
  }
}
