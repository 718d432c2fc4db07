/**
 * What the guard reads about descriptors: counts and limits of chosen processes, and descriptors
 * held on deleted files inside a repository (disk that `df` counts but no directory shows).
 */
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import type { ProcessTableApi, ProcSnapshot, Repository } from "@gitmaint/core";

const DELETED = " (deleted)";

/** Soft "Max open files" of a process, from /proc/<pid>/limits. */
export function openFilesLimit(pid: number): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(`/proc/${pid}/limits`, "utf8"));
    return m && m[1] !== "unlimited" ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface DeletedHolder {
  pid: number;
  argv: string[];
  /** The descriptor holding it, or "mmap" when only a memory mapping pins it (git closes small packs' fds). */
  fd: number | "mmap";
  /** Path relative to the repository's common git dir. */
  path: string;
  /** Size of the deleted file (still on disk while held). */
  bytes: number;
}

/**
 * Deleted files under the repository's objects dir still held by a process: through a descriptor
 * (from a scan with fds) or only through a memory mapping (git mmaps packs and closes small packs'
 * descriptors). One entry per process and file.
 */
export function deletedHolders(repo: Repository, snapshot: ProcSnapshot, processes: ProcessTableApi): DeletedHolder[] {
  const out: DeletedHolder[] = [];
  const inside = (path: string): string | undefined => {
    const rel = relative(repo.objectsDir, path);
    return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? undefined : relative(repo.commonDir, path);
  };
  for (const proc of snapshot.processes) {
    const seen = new Set<string>();
    for (const fd of snapshot.fdsOf(proc.pid)) {
      if (!fd.target.endsWith(DELETED)) continue;
      const path = inside(fd.target.slice(0, -DELETED.length));
      if (!path || seen.has(path)) continue;
      seen.add(path);
      let bytes = 0;
      try {
        bytes = statSync(`/proc/${proc.pid}/fd/${fd.fd}`).size;
      } catch {
        // closed meanwhile
      }
      out.push({ pid: proc.pid, argv: proc.argv, fd: fd.fd, path, bytes });
    }
    for (const m of processes.mappedFilesOf(proc.pid) ?? []) {
      const path = m.deleted ? inside(m.path) : undefined;
      if (!path || seen.has(path)) continue;
      seen.add(path);
      out.push({ pid: proc.pid, argv: proc.argv, fd: "mmap", path, bytes: m.bytes });
    }
  }
  return out;
}

export interface Target {
  pid: number;
  name: string;
  role: "gitmaint" | "git child" | "watched";
}

/** gitmaint itself, its live git children, and the configured processes (by pid or command line). */
export async function targets(processes: ProcessTableApi, watch: ReadonlyArray<{ name: string; pid?: number | undefined; match?: string | undefined }>): Promise<Target[]> {
  const out: Target[] = [{ pid: process.pid, name: "gitmaint", role: "gitmaint" }];
  for (const child of processes.ownedChildren()) out.push({ pid: child.pid, name: `git ${child.argv[0] ?? ""} (${child.owner})`, role: "git child" });
  const byMatch = watch.filter((w) => w.match);
  const snapshot = byMatch.length > 0 ? await processes.scan({ fds: false }) : undefined;
  for (const w of watch) {
    if (w.pid !== undefined) out.push({ pid: w.pid, name: w.name, role: "watched" });
    if (!w.match || !snapshot) continue;
    const re = new RegExp(w.match);
    for (const p of snapshot.processes)
      if (p.pid !== process.pid && re.test(p.argv.join(" "))) out.push({ pid: p.pid, name: w.name, role: "watched" });
  }
  return out;
}
