/**
 * Leftovers of killed or failed git runs in the side git dir: `index.lock`, ref locks,
 * `objects/??/tmp_obj_*` and `objects/pack/tmp_*`. Each is removed only when the ProcessTable
 * proves it dead (nobody holds it open, no live git process on the side dir could be writing it),
 * is always journaled first (a failed journal write removes nothing), and is never a symlink.
 */
import { lstat, unlink } from "node:fs/promises";
import { scanTemporaries, type JournalApi, type ProcessTableApi, type Repository, type ScanPlace, type TmpEntry, type TmpKind } from "@gitmaint/core";

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

/** The kinds a failed `add`/`write-tree`/`update-ref` can leave in a side git dir. */
const LOCK_KINDS: ReadonlySet<TmpKind> = new Set(["lock", "ref-lock"]);
const OBJECT_KINDS: ReadonlySet<TmpKind> = new Set(["tmp-pack", "tmp-obj"]);

/** Lists the leftover candidates of a side git dir with core's scanner (lstat only, no symlink followed). */
export async function findLeftovers(repo: Repository, locksOnly: boolean): Promise<TmpEntry[]> {
  const places: ScanPlace[] = locksOnly ? ["gitdir", "refs"] : ["gitdir", "refs", "pack", "fanout"];
  const { entries } = await scanTemporaries(repo, { places });
  return entries.filter((e) => !e.isDirectory && (LOCK_KINDS.has(e.kind) || (!locksOnly && OBJECT_KINDS.has(e.kind))));
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
