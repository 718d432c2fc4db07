/**
 * Removes what a failed, killed or timed-out git run left in its repository: temporary files and
 * known locks that changed after the run started, proven dead by the ProcessTable, journaled
 * before they are deleted. Never a symlink, never anything outside the common git dir or the
 * objects dir, never anything that existed unchanged before the run.
 */
import { constants } from "node:fs";
import { lstat, open, realpath, rm, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, sep } from "node:path";
import type { JournalApi } from "../journal/types.js";
import { describeHolder, parseHolder } from "../locks/holder.js";
import type { LockHolder } from "../locks/types.js";
import type { ProcessTableApi } from "../process/types.js";
import type { TmpEntry, TmpKind, TmpScan } from "../repo/tmpfiles-types.js";
import type { Repository } from "../repo/types.js";

/** Lists the temporary files and known locks of a repository (repo/tmpfiles.ts `scanTemporaries`). */
export type LeftoverScanner = (repo: Repository) => Promise<TmpScan | TmpEntry[]>;

/** One finished run whose leftovers should be cleaned. */
export interface FailedRun {
  repo: Repository;
  /** Plugin the run is attributed to (the journal's `plugin`). */
  owner: string;
  /** The git subcommand, e.g. "index-pack". */
  subcommand: string;
  pid: number;
  /** Date.now() taken right before the spawn. */
  startedAt: number;
  /** e.g. "timed out", "killed by SIGKILL", "exit code 128". */
  how: string;
  /** The dead run's own processes (leader and recorded descendants). */
  pids: readonly number[];
}

export interface CleanupOutcome {
  /** Paths (relative to the git dir) removed. */
  cleaned: string[];
  /** Paths kept, each with why. */
  kept: { path: string; reason: string }[];
}

/** What GitRunner needs from a cleaner (inject a custom one with GitRunner's `cleanup` option). */
export interface LeftoverCleanerApi {
  clean(run: FailedRun): Promise<CleanupOutcome>;
}

export interface LeftoverCleanerOptions {
  processes: ProcessTableApi;
  journal: JournalApi;
  scan: LeftoverScanner;
  /** Files changed up to this long before the run started still count as its own (default 2000). */
  startSlackMs?: number;
  /** Clock slack passed to `processes.liveness` (default: the ProcessTable's own default). */
  livenessSlackMs?: number;
}

/** Kinds a git run may leave; a gitmaint `.keep` and pack garbage are left to the reaper. */
const RUN_KINDS = new Set<TmpKind>([
  "tmp-pack",
  "tmp-obj",
  "tmp-other",
  "quarantine",
  "repack-staging",
  "packed-refs-new",
  "lock",
  "ref-lock",
  "gc-pid",
  "transfer-keep",
]);

const LOCK_KINDS = new Set<TmpKind>(["lock", "ref-lock"]);

export class LeftoverCleaner implements LeftoverCleanerApi {
  readonly #o: LeftoverCleanerOptions;

  constructor(options: LeftoverCleanerOptions) {
    this.#o = options;
  }

  async clean(run: FailedRun): Promise<CleanupOutcome> {
    const out: CleanupOutcome = { cleaned: [], kept: [] };
    const scanned = await this.#o.scan(run.repo);
    const entries = Array.isArray(scanned) ? scanned : scanned.entries;
    const since = run.startedAt - (this.#o.startSlackMs ?? 2000);
    const candidates = entries.filter((e) => RUN_KINDS.has(e.kind) && e.newestChangeMs >= since);
    if (candidates.length === 0) return out;
    const snapshot = await this.#o.processes.scan({ fds: true });
    const reason = `left by failed git ${run.subcommand} (pid ${run.pid}, ${run.how})`;
    for (const entry of candidates) {
      const rel = entry.rel;
      const kept = (why: string): void => void out.kept.push({ path: rel, reason: why });
      if (entry.isSymlink) {
        kept("symlink (never followed or removed here)");
        continue;
      }
      if (!(await insideRepo(run.repo, entry.path))) {
        kept("outside the repository");
        continue;
      }
      if (LOCK_KINDS.has(entry.kind) && !entry.isDirectory) {
        // git never writes gitmaint's holder line: such a lock (often `objects/maintenance.lock`
        // taken by the plugin right before this run) belongs to gitmaint's Locks, not to the run.
        const holder = await gitmaintHolder(entry.path);
        if (holder === "unreadable") {
          kept("lock content unreadable");
          continue;
        }
        if (holder) {
          kept(`a gitmaint lock (${describeHolder(holder, hostname())}), not this run's`);
          continue;
        }
      }
      const verdict = await this.#o.processes.liveness(run.repo, entry, {
        ignorePids: run.pids,
        snapshot,
        ...(this.#o.livenessSlackMs === undefined ? {} : { slackMs: this.#o.livenessSlackMs }),
      });
      if (!verdict.dead) {
        kept(verdict.reason);
        continue;
      }
      const removed = await this.#remove(run, entry, reason);
      if (removed === true) out.cleaned.push(rel);
      else kept(removed);
    }
    return out;
  }

  /** Journals, then removes one entry. Returns true, or why it was kept. */
  async #remove(run: FailedRun, entry: TmpEntry, reason: string): Promise<true | string> {
    let st;
    try {
      st = await lstat(entry.path);
    } catch (error) {
      return isEnoent(error) ? true : `lstat failed: ${String(error)}`;
    }
    if (st.isSymbolicLink()) return "became a symlink";
    if (st.isDirectory() !== entry.isDirectory) return "changed type since the scan";
    if (!entry.isDirectory && Math.max(st.mtimeMs, st.ctimeMs) > entry.newestChangeMs) return "changed since the scan";
    try {
      await this.#o.journal.append({
        repo: run.repo.id,
        plugin: run.owner,
        op: "delete",
        path: entry.rel,
        bytes: entry.isDirectory ? entry.bytes : st.size,
        reason,
        details: { kind: entry.kind, pid: run.pid },
      });
    } catch (error) {
      return `not journaled, so not deleted: ${String(error)}`;
    }
    try {
      // fs.rm never follows symlinks inside the directory; the directory itself was lstat'd above.
      if (entry.isDirectory) await rm(entry.path, { recursive: true, force: true });
      else await unlink(entry.path);
      return true;
    } catch (error) {
      if (isEnoent(error)) return true;
      await this.#o.journal
        .append({ repo: run.repo.id, plugin: run.owner, op: "failure", path: entry.rel, reason: `delete failed: ${String(error)}` })
        .catch(() => {});
      return `delete failed: ${String(error)}`;
    }
  }
}

/** True when the entry's real parent directory lies inside the common git dir or the objects dir. */
async function insideRepo(repo: Repository, path: string): Promise<boolean> {
  let parent: string;
  try {
    parent = await realpath(dirname(path));
  } catch {
    return false;
  }
  const within = (root: string): boolean => parent === root || parent.startsWith(root.endsWith(sep) ? root : root + sep);
  return within(repo.commonDir) || within(repo.objectsDir);
}

/** The gitmaint holder written in a lock file, undefined for git's own locks (empty or other text). */
async function gitmaintHolder(path: string): Promise<LockHolder | undefined | "unreadable"> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    return isEnoent(error) ? undefined : "unreadable";
  }
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return parseHolder(buf.subarray(0, bytesRead).toString("utf8"));
  } catch {
    return "unreadable";
  } finally {
    await fh.close();
  }
}

function isEnoent(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
}
