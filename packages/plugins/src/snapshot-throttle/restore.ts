/**
 * The undo side of the store: what changed between two snapshot trees, and writing a tree (or
 * some of its paths) back into the work tree. Nested repositories (gitlinks) are never removed
 * or written.
 */
import { lstat, readdir, rmdir, unlink } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import type { SnapshotChange } from "./types.js";

/** One `diff-tree --raw` entry. */
export interface RawChange extends SnapshotChange {
  oldMode: string;
  newMode: string;
}

const GITLINK = "160000";

/** Parses `git diff-tree -r -z --raw --no-renames` output. */
export function parseRawDiff(output: string): RawChange[] {
  const parts = output.split("\0");
  const out: RawChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const meta = parts[i] ?? "";
    const path = parts[i + 1] ?? "";
    const m = /^:(\d{6}) (\d{6}) [0-9a-f]+ [0-9a-f]+ ([ADMT])$/.exec(meta);
    if (!m || path === "") continue;
    out.push({ oldMode: m[1]!, newMode: m[2]!, status: m[3] as SnapshotChange["status"], path });
  }
  return out;
}

/** The restore plan: paths to write from the target tree and paths to remove. */
export function planRestore(changes: readonly RawChange[]): { write: string[]; remove: string[] } {
  const write: string[] = [];
  const remove: string[] = [];
  for (const c of changes) {
    if (c.status === "D") {
      if (c.oldMode !== GITLINK) remove.push(c.path);
    } else if (c.newMode !== GITLINK) {
      // A (new), M, T: the target's version wins; a type change removes the old entry first.
      if (c.status === "T" && c.oldMode !== GITLINK) remove.push(c.path);
      write.push(c.path);
    }
  }
  return { write, remove };
}

/** True when `path` (relative) stays inside the work tree. */
export function insideWorkTree(workTree: string, rel: string): boolean {
  const abs = resolve(workTree, rel);
  return abs.startsWith(workTree.endsWith(sep) ? workTree : workTree + sep);
}

/** Removes files (never directories, never following symlinks) and then empty parent dirs. */
export async function removePaths(workTree: string, paths: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  const parents = new Set<string>();
  for (const rel of paths) {
    if (!insideWorkTree(workTree, rel)) continue;
    const abs = join(workTree, rel);
    const st = await lstat(abs).catch(() => undefined);
    if (!st || st.isDirectory()) continue;
    await unlink(abs);
    removed.push(rel);
    parents.add(dirname(abs));
  }
  const byDepth = [...parents].sort((a, b) => b.length - a.length);
  for (let dir of byDepth) {
    while (dir !== workTree && insideWorkTree(workTree, dir.slice(workTree.length + 1))) {
      const left = await readdir(dir).catch(() => ["?"]);
      if (left.length > 0) break;
      await rmdir(dir).catch(() => {});
      dir = dirname(dir);
    }
  }
  return removed;
}
