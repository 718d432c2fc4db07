/**
 * Finding the repacks that matter (DESIGN.md §6): git `repack`, `gc`, `maintenance` (and
 * `multi-pack-index`, whose `repack`/`expire` also work on named packs) processes working on the
 * repository, and the `pack-objects` processes below one of them. A repack takes its pack list
 * just before it spawns its first pack-objects, so "a pack-objects child is alive" is both the
 * moment the protected set can be recorded and the condition for deleting anything (rule b).
 */
import { isGitProcess, parseGitArgv, type GitProcInfo, type ProcSnapshot, type ProcessTableApi, type Repository } from "@gitmaint/core";

/** Roles whose processes hold a list of packs they will read or delete. */
export const REPACK_ROLES: ReadonlySet<string> = new Set(["repack", "gc", "maintenance", "multi-pack-index"]);

/** A repack being tracked: the root process (repack, gc or maintenance) by pid and start ticks. */
export interface TrackedRepack {
  pid: number;
  startTicks: number;
  /** Start time in ms since the epoch. */
  startTime: number;
  argv: string[];
  /** "cruft-writer" for gitmaint's own, "external" otherwise. */
  source: string;
}

/** Live repack-like git processes on the repository, except those `excludeOwners` started. */
export async function findRepacks(
  processes: ProcessTableApi,
  repo: Repository,
  snapshot: ProcSnapshot,
  excludePids: ReadonlySet<number> = new Set(),
): Promise<GitProcInfo[]> {
  const found = await processes.gitProcessesFor(repo, snapshot);
  return found.filter((p) => REPACK_ROLES.has(p.role) && !excludePids.has(p.pid) && p.state !== "Z");
}

/** True when `pid` is `root` or has it as an ancestor in the snapshot. */
export function descendsFrom(snapshot: ProcSnapshot, pid: number, root: number): boolean {
  let cur = snapshot.get(pid);
  for (let depth = 0; cur && depth < 64; depth++) {
    if (cur.pid === root) return true;
    if (cur.ppid <= 1) return false;
    cur = snapshot.get(cur.ppid);
  }
  return false;
}

/** Live `git pack-objects` processes below `root` (its children, grandchildren...). */
export function packObjectsBelow(snapshot: ProcSnapshot, root: number): number[] {
  const out: number[] = [];
  for (const p of snapshot.processes) {
    if (p.pid === root || p.state === "Z" || !isGitProcess(p.argv, p.comm)) continue;
    if (parseGitArgv(p.argv, p.comm).role !== "pack-objects") continue;
    if (descendsFrom(snapshot, p.pid, root)) out.push(p.pid);
  }
  return out;
}

/** Whether a tracked repack's root process is still the same live process. */
export function stillRunning(processes: Pick<ProcessTableApi, "isAlive" | "startTicksOf">, r: TrackedRepack): boolean {
  if (!processes.isAlive(r.pid)) return false;
  const ticks = processes.startTicksOf(r.pid);
  return ticks === undefined || ticks === r.startTicks;
}

/** The subcommand of a git argv (`repack`, `gc`...), tolerant of `-c` pairs and `--git-dir`. */
export function subcommandOf(argv: readonly string[]): string | undefined {
  return parseGitArgv(argv[0] === "git" || (argv[0] ?? "").endsWith("/git") ? argv : ["git", ...argv]).subcommand;
}
