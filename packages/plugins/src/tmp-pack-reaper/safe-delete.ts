/**
 * Deleting one reaped entry safely (DESIGN §3 invariants 2 and 6):
 * - the path's real parent directory must be inside the repository's git dir (or its objects dir),
 *   and the name must be a known temporary/lock name (checked again here, independently);
 * - symlinks are never followed: a symlink is unlinked as a link, the target is never touched;
 *   a directory is removed recursively only when lstat shows a real directory;
 * - the Journal gets the entry BEFORE anything is removed; `lstat` runs again right before the
 *   unlink and the deletion is cancelled (and that noted in the Journal) if the entry changed;
 * - ENOENT at any point is success: somebody else removed it.
 */
import type { Stats } from "node:fs";
import { lstat, realpath, rm, unlink } from "node:fs/promises";
import { dirname, isAbsolute, relative } from "node:path";
import type { JournalEntry, Repository, TmpEntry } from "@gitmaint/core";
import { errorMessage } from "@gitmaint/core";
import { nameAllowed } from "./kinds.js";

/** What safeDelete needs: a Journal writer (ctx.record). */
export type RecordFn = (entry: Omit<JournalEntry, "at" | "pid" | "plugin">) => Promise<void>;

export type DeleteOutcome =
  | { status: "deleted"; bytes: number }
  /** It was already gone (ENOENT): success, nothing freed by us. */
  | { status: "gone" }
  | { status: "kept"; reason: string }
  | { status: "failed"; error: string };

/** True when `path` is strictly inside `root` (both absolute). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/** Real paths of the directories the reaper may delete in. */
async function roots(repo: Repository): Promise<string[]> {
  const out: string[] = [];
  for (const dir of [repo.commonDir, repo.gitDir, repo.objectsDir]) {
    try {
      out.push(await realpath(dir));
    } catch {
      // a missing dir contributes no root
    }
  }
  return out;
}

/** Why the entry's location is not deletable, or undefined when it is. */
export async function locationProblem(repo: Repository, entry: TmpEntry): Promise<string | undefined> {
  if (!isAbsolute(entry.path)) return "path is not absolute";
  if (!nameAllowed(entry)) return `name is not a known ${entry.kind} name`;
  let parent: string;
  try {
    parent = await realpath(dirname(entry.path));
  } catch (error) {
    return `cannot resolve its directory: ${errorMessage(error)}`;
  }
  const allowed = await roots(repo);
  if (!allowed.some((root) => root === parent || isInside(root, parent))) {
    return "its directory resolves outside the repository's git dir";
  }
  return undefined;
}

function isEnoent(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

async function lstatOrGone(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (isEnoent(error)) return undefined;
    throw error;
  }
}

/** Why the on-disk entry no longer matches what was checked, or undefined. */
export function shapeProblem(entry: TmpEntry, st: Stats): string | undefined {
  if (entry.isSymlink) return st.isSymbolicLink() ? undefined : "no longer a symlink";
  if (st.isSymbolicLink()) return "became a symlink";
  if (entry.isDirectory) return st.isDirectory() ? undefined : "no longer a directory";
  if (!st.isFile()) return "no longer a regular file";
  if (Math.max(st.mtimeMs, st.ctimeMs) > entry.newestChangeMs + 1) return "changed since it was checked";
  return undefined;
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.size === b.size;
}

/** Journals and deletes one entry judged dead. Never throws. */
export async function safeDelete(repo: Repository, entry: TmpEntry, reason: string, record: RecordFn): Promise<DeleteOutcome> {
  try {
    const problem = await locationProblem(repo, entry);
    if (problem) return { status: "kept", reason: problem };
    const before = await lstatOrGone(entry.path);
    if (!before) return { status: "gone" };
    const shape = shapeProblem(entry, before);
    if (shape) return { status: "kept", reason: shape };
    const bytes = entry.isDirectory && !entry.isSymlink ? entry.bytes : before.size;
    const base = { repo: repo.id, path: entry.rel };
    await record({ ...base, op: "delete", bytes, reason, details: { kind: entry.kind } });
    try {
      const now = await lstatOrGone(entry.path);
      if (!now) return { status: "gone" };
      if (!sameFile(before, now) || shapeProblem(entry, now)) {
        await record({ ...base, op: "note", reason: `delete cancelled: ${entry.rel} changed right before removal` });
        return { status: "kept", reason: "changed right before removal" };
      }
      if (now.isDirectory()) await rm(entry.path, { recursive: true, force: true });
      else await unlink(entry.path);
      return { status: "deleted", bytes };
    } catch (error) {
      if (isEnoent(error)) return { status: "gone" };
      await record({ ...base, op: "note", reason: `delete failed: ${errorMessage(error)}` }).catch(() => {});
      return { status: "failed", error: errorMessage(error) };
    }
  } catch (error) {
    return { status: "failed", error: errorMessage(error) };
  }
}
