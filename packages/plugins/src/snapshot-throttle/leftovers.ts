/**
 * Leftovers of killed or failed git runs in the side git dir: `index.lock`, ref locks,
 * `objects/??/tmp_obj_*` and `objects/pack/tmp_*`. Each is removed only when the ProcessTable
 * proves it dead (nobody holds it open, no live git process on the side dir could be writing it),
 * is always journaled first (a failed journal write removes nothing), and is never a symlink.
 */
import { lstat, readdir, unlink } from "node:fs/promises";
import { join, relative } from "node:path";
import type { JournalApi, ProcessTableApi, Repository, TmpEntry, TmpKind } from "@gitmaint/core";

export interface LeftoverReport {
  removed: string[];
  kept: { path: string; reason: string }[];
}

export interface LeftoverOptions {
  processes: ProcessTableApi;
  /** Every removal is appended here before the unlink (required: nothing is ever deleted silently). */
  journal: JournalApi;
  owner: string;
  /** Only entries changed at or after this time (ms); default: any age. */
  since?: number;
  /** Only look at locks (cheap pre-flight check), not the object store. */
  locksOnly?: boolean;
  /** Why they are removed (journal reason). */
  reason: string;
}

/** Lists the leftover candidates of a side git dir (lstat only, no symlink followed). */
export async function findLeftovers(repo: Repository, locksOnly: boolean): Promise<TmpEntry[]> {
  const found: TmpEntry[] = [];
  const add = async (path: string, kind: TmpKind): Promise<void> => {
    const st = await lstat(path).catch(() => undefined);
    if (!st || st.isDirectory()) return;
    const newest = Math.max(st.mtimeMs, st.ctimeMs);
    found.push({
      path,
      rel: relative(repo.commonDir, path),
      kind,
      isDirectory: false,
      bytes: st.size,
      mtimeMs: st.mtimeMs,
      ctimeMs: st.ctimeMs,
      newestChangeMs: newest,
      isSymlink: st.isSymbolicLink(),
    });
  };
  await add(join(repo.gitDir, "index.lock"), "lock");
  await add(join(repo.commonDir, "packed-refs.lock"), "ref-lock");
  for (const name of await names(join(repo.commonDir, "refs", "gitmaint", "snapshots"))) {
    if (name.endsWith(".lock")) await add(join(repo.commonDir, "refs", "gitmaint", "snapshots", name), "ref-lock");
  }
  if (locksOnly) return found;
  for (const name of await names(repo.packDir)) if (name.startsWith("tmp_")) await add(join(repo.packDir, name), "tmp-pack");
  for (const fan of await names(repo.objectsDir)) {
    if (!/^[0-9a-f]{2}$/.test(fan)) continue;
    for (const name of await names(join(repo.objectsDir, fan))) {
      if (name.startsWith("tmp_obj_")) await add(join(repo.objectsDir, fan, name), "tmp-obj");
    }
  }
  return found;
}

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

/** Removes the leftovers proven dead; keeps (and reports) the rest. */
export async function cleanLeftovers(repo: Repository, options: LeftoverOptions): Promise<LeftoverReport> {
  const report: LeftoverReport = { removed: [], kept: [] };
  const since = options.since ?? 0;
  const candidates = (await findLeftovers(repo, options.locksOnly ?? false)).filter((e) => e.newestChangeMs >= since);
  if (candidates.length === 0) return report;
  const snapshot = await options.processes.scan({ fds: true });
  for (const entry of candidates) {
    if (entry.isSymlink) {
      report.kept.push({ path: entry.rel, reason: "symlink" });
      continue;
    }
    const verdict = await options.processes.liveness(repo, entry, { snapshot, ignorePids: [process.pid] });
    if (!verdict.dead) {
      report.kept.push({ path: entry.rel, reason: verdict.reason });
      continue;
    }
    const st = await lstat(entry.path).catch(() => undefined);
    if (!st) continue; // gone meanwhile
    if (st.isSymbolicLink() || Math.max(st.mtimeMs, st.ctimeMs) > entry.newestChangeMs) {
      report.kept.push({ path: entry.rel, reason: "changed since it was checked" });
      continue;
    }
    await options.journal.append({
      repo: repo.id,
      plugin: options.owner,
      op: "delete",
      path: entry.rel,
      bytes: st.size,
      reason: options.reason,
      details: { kind: entry.kind, verdict: verdict.reason },
    });
    try {
      await unlink(entry.path);
      report.removed.push(entry.rel);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") report.kept.push({ path: entry.rel, reason: String(error) });
    }
  }
  return report;
}
