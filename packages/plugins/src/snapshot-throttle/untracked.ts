/**
 * Untracked files of the work tree (relative to the snapshot index), split by size, so files
 * above `maxFileBytes` are never hashed into the store. One `git ls-files --others` walk plus an
 * lstat of each untracked path: on a re-snapshot the list is short, so this costs little.
 */
import { lstatSync } from "node:fs";
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

/**
 * lstat's each untracked path; vanished paths are dropped (there is nothing to add). Synchronous
 * lstat in slices with a yield between them: several times faster than one promise per path on a
 * first snapshot (50,000 paths), without holding the event loop for long.
 */
export async function splitBySize(workTree: string, paths: readonly string[], maxFileBytes: number): Promise<UntrackedSplit> {
  const out: UntrackedSplit = { small: [], large: [] };
  const slice = 2_000;
  for (let i = 0; i < paths.length; i += slice) {
    if (i > 0) await new Promise((r) => setImmediate(r));
    for (const p of paths.slice(i, i + slice)) {
      if (p.endsWith("/")) {
        out.small.push(p); // a nested repository: git decides
        continue;
      }
      const st = lstatSync(join(workTree, p), { throwIfNoEntry: false });
      if (st === undefined) continue; // vanished
      if (st.isFile() && st.size > maxFileBytes) out.large.push({ path: p, bytes: st.size });
      else out.small.push(p);
    }
  }
  return out;
}

/** Pathspecs for `git add -A --pathspec-from-file`: everything except the large files. */
export function addPathspecs(large: readonly { path: string }[]): string {
  return [".", ...large.map((l) => `:(exclude,literal,top)${l.path}`)].map((p) => `${p}\0`).join("");
}
