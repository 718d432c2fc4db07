/**
 * Untracked files of the work tree (relative to the snapshot index), split by size, so files
 * above `maxFileBytes` are never hashed into the store. One `git ls-files --others` walk plus an
 * lstat of each untracked path: on a re-snapshot the list is short, so this costs little.
 */
import { lstat } from "node:fs/promises";
import { join } from "node:path";

/** Paths from `git ls-files -z` output. */
export function splitNul(output: string): string[] {
  return output.split("\0").filter((p) => p !== "");
}

export interface UntrackedSplit {
  /** Paths to add (an entry ending in "/" is a nested repository, left to git). */
  small: string[];
  /** Regular files above the limit: never added. */
  large: { path: string; bytes: number }[];
}

/** lstat's each untracked path; vanished paths are dropped (there is nothing to add). */
export async function splitBySize(workTree: string, paths: readonly string[], maxFileBytes: number): Promise<UntrackedSplit> {
  const out: UntrackedSplit = { small: [], large: [] };
  const batch = 256;
  for (let i = 0; i < paths.length; i += batch) {
    const slice = paths.slice(i, i + batch);
    const stats = await Promise.all(
      slice.map((p) => (p.endsWith("/") ? Promise.resolve(null) : lstat(join(workTree, p)).catch(() => undefined))),
    );
    slice.forEach((p, j) => {
      const st = stats[j];
      if (st === undefined) return; // vanished
      if (st !== null && st.isFile() && st.size > maxFileBytes) out.large.push({ path: p, bytes: st.size });
      else out.small.push(p);
    });
  }
  return out;
}

/** Pathspecs for `git add -A --pathspec-from-file`: everything except the large files. */
export function addPathspecs(large: readonly { path: string }[]): string {
  return [".", ...large.map((l) => `:(exclude,literal,top)${l.path}`)].map((p) => `${p}\0`).join("");
}
