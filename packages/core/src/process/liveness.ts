/**
 * The liveness proof for a temporary file, lock or directory (tmp-pack-reaper rules 1–3).
 * It says "dead" only when every rule holds; anything it cannot check makes it "not dead".
 */
import { realpathSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import type { Repository } from "../repo/types.js";
import type { TmpEntry } from "../repo/tmpfiles-types.js";
import { ProcSnapshotImpl } from "./snapshot.js";
import type { GitProcInfo, IgnoredPid, LivenessOptions, LivenessVerdict, ProcInfo, ProcSnapshot } from "./types.js";

/** Default clock slack between file times and process start times. */
export const DEFAULT_SLACK_MS = 5000;

/** What the proof needs from the process table. */
export interface LivenessDeps {
  /** Undefined when liveness can be checked; otherwise why it cannot ("no /proc: cannot prove"). */
  unsupportedReason(): string | undefined;
  isAlive(pid: number): boolean;
  startTicksOf(pid: number): number | undefined;
  /** A snapshot with descriptors. */
  scanWithFds(): Promise<ProcSnapshot>;
  gitProcessesFor(repo: Repository, snapshot: ProcSnapshot): Promise<GitProcInfo[]>;
  /** Uninspectable pids that are nevertheless not counted as possible holders (see ProcessTable). */
  trustedUninspectable(snapshot: ProcSnapshot): ReadonlySet<number>;
}

const live = (reason: string): LivenessVerdict => ({ dead: false, reason });

/**
 * Rule 3 first (cheap), then one snapshot for rule 1 (holders) and rule 2 (possible writers).
 * `ignorePids` applies to rules 1 and 2 only: a pid named by the entry is always checked.
 */
export async function provesDead(
  deps: LivenessDeps,
  repo: Repository,
  entry: TmpEntry,
  options: LivenessOptions = {},
): Promise<LivenessVerdict> {
  const unsupported = deps.unsupportedReason();
  if (unsupported) return live(unsupported);

  const named = namedOwnerAlive(deps, entry);
  if (named) return live(named);

  let snapshot = options.snapshot;
  // A snapshot taken without descriptors cannot show holders: take one with them.
  if (!snapshot || (snapshot instanceof ProcSnapshotImpl && !snapshot.withFds)) snapshot = await deps.scanWithFds();
  const ignore = ignoredPids(deps, snapshot, options.ignorePids ?? []);

  const held = holderReason(snapshot, entry, ignore, deps.trustedUninspectable(snapshot));
  if (held) return live(held);

  const slack = options.slackMs ?? DEFAULT_SLACK_MS;
  const limit = entry.newestChangeMs + slack;
  for (const proc of await deps.gitProcessesFor(repo, snapshot)) {
    if (ignore.has(proc.pid)) continue;
    if (proc.startTime <= limit) {
      const how = proc.match === "possible" ? ", cannot rule it out" : "";
      return live(`git pid ${proc.pid} (${proc.role}) started before it last changed${how}`);
    }
  }
  return { dead: true, reason: "dead: no holder, no possible writer" };
}

/**
 * The pids to ignore: a bare number as given; `{ pid, startTicks }` only while that pid still has
 * that start time (in the snapshot, or read now when the snapshot does not list it), so a process
 * that reused the pid still counts.
 */
function ignoredPids(deps: LivenessDeps, snapshot: ProcSnapshot, wanted: readonly IgnoredPid[]): Set<number> {
  const out = new Set<number>();
  for (const w of wanted) {
    if (typeof w === "number") {
      out.add(w);
      continue;
    }
    const ticks = snapshot.get(w.pid)?.startTicks ?? deps.startTicksOf(w.pid);
    if (ticks === w.startTicks) out.add(w.pid);
  }
  return out;
}

/** Why the pid named by the entry keeps it live, or undefined when that owner is dead (or none). */
function namedOwnerAlive(deps: LivenessDeps, entry: TmpEntry): string | undefined {
  const pid = entry.pid;
  if (pid === undefined) return undefined;
  // git writes gethostname() into a transfer .keep: compare exactly (a near match is another host).
  if (entry.host !== undefined && entry.host !== hostname()) {
    return `named pid ${pid} is on host ${entry.host}: cannot prove`;
  }
  if (!deps.isAlive(pid)) return undefined;
  if (entry.startTicks !== undefined) {
    const ticks = deps.startTicksOf(pid);
    // The pid was reused by another process: the named owner is gone.
    if (ticks !== undefined && ticks !== entry.startTicks) return undefined;
  }
  return `named pid ${pid} is alive`;
}

/** Why some process holds the entry (or something inside it), or undefined. */
function holderReason(
  snapshot: ProcSnapshot,
  entry: TmpEntry,
  ignore: ReadonlySet<number>,
  trusted: ReadonlySet<number>,
): string | undefined {
  const pids = new Set<number>();
  const uninspectable = new Set<number>();
  for (const path of pathsOf(entry.path)) {
    const h = snapshot.holders(path);
    for (const p of h.pids) pids.add(p);
    for (const p of h.uninspectable) uninspectable.add(p);
  }
  for (const pid of pids) {
    if (!ignore.has(pid)) return `held open by pid ${pid} (${commOf(snapshot.get(pid))})`;
  }
  for (const pid of uninspectable) {
    if (!ignore.has(pid) && !trusted.has(pid)) {
      return `pid ${pid} (${commOf(snapshot.get(pid))}) cannot be inspected: it might hold it`;
    }
  }
  return undefined;
}

/** The path as given and with its parent realpath'd (the entry itself is never followed). */
function pathsOf(path: string): string[] {
  try {
    const real = join(realpathSync(dirname(path)), basename(path));
    return real === path ? [path] : [path, real];
  } catch {
    return [path];
  }
}

function commOf(proc: ProcInfo | undefined): string {
  return proc?.comm ?? "?";
}
