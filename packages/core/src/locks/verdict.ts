/**
 * Is a lock file held by a live process, or stale? Rules:
 * - gitmaint holder (JSON): stale if its pid is dead, or alive with another start time (pid
 *   reused), or it names another host and the file is older than `foreignHostStaleMs` (24 h).
 * - git's own `objects/maintenance.lock` (empty: git's lockfile API): held while any process has
 *   it open or a live git maintenance/gc process works on the repository; otherwise stale once
 *   older than `gitLockStaleMs` (60 s). Processes that cannot be inspected count as holders only
 *   when they are git processes (a lock in a repository is written by a git run by someone).
 * - a gitmaint lock file that cannot be parsed (crash before the content reached the disk) is
 *   stale once older than `gitLockStaleMs` and nobody holds it open.
 */
import type { ProcessTableApi } from "../process/types.js";
import type { Repository } from "../repo/types.js";
import type { LockFileInfo } from "./lockfile.js";
import type { LockHolder } from "./types.js";
import { describeHolder } from "./holder.js";

export interface Verdict {
  stale: boolean;
  /** Who holds it (for "held"), e.g. "git maintenance (pid 77)". */
  who: string;
  /** Why it is stale / held, one line. */
  reason: string;
}

export interface JudgeContext {
  processes: ProcessTableApi;
  host: string;
  selfStartTicks: number | undefined;
  /** True when this process holds the file through a live handle. */
  ownedHere: (info: LockFileInfo) => boolean;
  gitLockStaleMs: number;
  foreignHostStaleMs: number;
  now: number;
}

const held = (who: string, reason = who): Verdict => ({ stale: false, who, reason });
const stale = (who: string, reason: string): Verdict => ({ stale: true, who, reason });

/** Judges a gitmaint JSON holder. */
export function judgeHolder(holder: LockHolder, info: LockFileInfo, ctx: JudgeContext): Verdict {
  const who = describeHolder(holder, ctx.host);
  if (holder.host !== ctx.host) {
    const age = ctx.now - info.mtimeMs;
    if (age > ctx.foreignHostStaleMs) return stale(who, `holder is on host ${holder.host} and the lock is ${fmtAge(age)} old`);
    return held(who);
  }
  if (holder.pid === process.pid && holder.startTicks === ctx.selfStartTicks) {
    if (ctx.ownedHere(info)) return held(`this process (pid ${process.pid}, owner ${holder.owner})`);
    return stale(who, `left over by this process (pid ${holder.pid}) without a live handle`);
  }
  if (!ctx.processes.isAlive(holder.pid)) return stale(who, `holder pid ${holder.pid} is dead`);
  const ticks = ctx.processes.startTicksOf(holder.pid);
  if (holder.startTicks !== undefined && ticks !== undefined && ticks !== holder.startTicks) {
    return stale(who, `holder pid ${holder.pid} was reused (start time ${ticks} != ${holder.startTicks})`);
  }
  return held(who);
}

/** Judges one of gitmaint's own lock files. */
export async function judgeGitmaintLock(info: LockFileInfo, ctx: JudgeContext): Promise<Verdict> {
  if (info.holder) return judgeHolder(info.holder, info, ctx);
  const holders = await openHolders(info.path, ctx);
  if (holders) return held(holders);
  return judgeByAge(info, ctx, "unreadable gitmaint lock file");
}

/** Judges git's `objects/maintenance.lock` (empty when git made it, JSON when gitmaint did). */
export async function judgeGitMaintenanceLock(
  repo: Repository,
  info: LockFileInfo,
  ctx: JudgeContext,
): Promise<Verdict> {
  if (info.holder) return judgeHolder(info.holder, info, ctx);
  if (!ctx.processes.supported) {
    return held("an unknown process", "cannot inspect processes on this platform, so git's maintenance.lock is kept");
  }
  const snapshot = await ctx.processes.scan({ fds: true });
  const holders = await openHolders(info.path, ctx, snapshot);
  if (holders) return held(holders);
  const gits = (await ctx.processes.gitProcessesFor(repo, snapshot)).filter(
    (p) => (p.role === "maintenance" || p.role === "gc") && p.pid !== process.pid,
  );
  const first = gits[0];
  if (first) return held(`git ${first.role} (pid ${first.pid})`);
  return judgeByAge(info, ctx, "git maintenance.lock with no holder");
}

type Snapshot = Awaited<ReturnType<ProcessTableApi["scan"]>>;

/** "git maintenance (pid 77)" for the first process holding `path` open, or undefined. */
async function openHolders(path: string, ctx: JudgeContext, snapshot?: Snapshot): Promise<string | undefined> {
  if (!ctx.processes.supported) return undefined;
  const snap = snapshot ?? (await ctx.processes.scan({ fds: true }));
  const { pids, uninspectable } = snap.holders(path);
  for (const pid of pids) {
    if (pid === process.pid) continue;
    return `${processLabel(snap.get(pid))} (pid ${pid})`;
  }
  for (const pid of uninspectable) {
    const p = snap.get(pid);
    if (p && isGit(p)) return `${processLabel(p)} (pid ${pid}, not inspectable)`;
  }
  return undefined;
}

function isGit(p: { comm: string; argv: string[] }): boolean {
  const exe = (p.argv[0] ?? "").split("/").pop() ?? "";
  return p.comm.startsWith("git") || exe === "git" || exe.startsWith("git-");
}

function processLabel(p: { comm: string; argv: string[] } | undefined): string {
  if (!p) return "process";
  if (isGit(p)) {
    const exe = (p.argv[0] ?? "").split("/").pop() ?? "";
    if (exe.startsWith("git-")) return `git ${exe.slice(4)}`;
    return gitSubcommand(p.argv);
  }
  return p.comm || "process";
}

/** The subcommand of a git argv (`git -C dir -c k=v gc` → "git gc"). */
function gitSubcommand(argv: string[]): string {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "-C" || a === "-c" || a === "--git-dir" || a === "--work-tree") i++;
    else if (!a.startsWith("-")) return `git ${a}`;
  }
  return "git";
}

function judgeByAge(info: LockFileInfo, ctx: JudgeContext, what: string): Verdict {
  const age = Math.max(0, ctx.now - info.mtimeMs);
  if (age <= ctx.gitLockStaleMs) {
    return held(`an unknown process (${what}, ${fmtAge(age)} old)`);
  }
  return stale("nobody", `${what}, no process holds it open, ${fmtAge(age)} old`);
}

export function fmtAge(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}
