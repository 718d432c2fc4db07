/**
 * One reap pass over a repository: scan its temporaries, apply the cheap rules, take ONE process
 * snapshot (after the file scan, so every writer of a scanned file is either in it or dead), prove
 * liveness per candidate, then journal and delete the dead ones (or only report, in a dry run).
 */
import { lstat } from "node:fs/promises";
import { relative } from "node:path";
import type { LivenessOptions, ProcessTableApi, ProcSnapshot, Repository, TmpEntry, TmpScan } from "@gitmaint/core";
import { errorMessage } from "@gitmaint/core";
import { detectNetworkFs } from "./netfs.js";
import type { ReaperOptions } from "./options.js";
import { decide, precheck, type Check, type PolicyInput, type Verdict } from "./policy.js";
import { safeDelete, type RecordFn } from "./safe-delete.js";

export interface PassDeps {
  processes: ProcessTableApi;
  record: RecordFn;
  scan(repo: Repository): Promise<TmpScan>;
  options: ReaperOptions;
  hostname: string;
  now?: () => number;
  networkFs?: (path: string) => Promise<string | undefined>;
}

export interface PassRequest {
  dryRun: boolean;
  /** Replaces every kind's grace (`reap --min-age`). */
  minAgeOverrideMs?: number | undefined;
  /** Entries changed in this window skip their grace (files a failed gitmaint run left). */
  skipMinAgeWindow?: PolicyInput["skipMinAgeWindow"];
  /** Processes liveness ignores (see `LivenessOptions.ignorePids`: prefer `{ pid, startTicks }`). */
  ignorePids?: LivenessOptions["ignorePids"];
  signal?: AbortSignal;
}

export interface Deleted {
  path: string;
  bytes: number;
  reason: string;
}
export interface Kept {
  path: string;
  reason: string;
}
export interface Problem {
  path: string;
  error: string;
}

export interface PassResult {
  repo: string;
  dryRun: boolean;
  /** Deleted (or, in a dry run, would be deleted); paths relative to the git dir. */
  deleted: Deleted[];
  kept: Kept[];
  bytesFreed: number;
  problems: Problem[];
  /** Temporaries found by the scan, and their bytes. */
  tmpFiles: number;
  tmpBytes: number;
  /** Set when only the age rule can be trusted (network filesystem, no /proc). */
  ageOnly: string | undefined;
  /** Earliest time an entry kept only by its age may become reapable. */
  nextDueAt: number | undefined;
}

function relToGitDir(repo: Repository, path: string): string {
  const rel = relative(repo.commonDir, path);
  return rel.startsWith("..") ? path : rel;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  }
}

/** The .pack beside an orphan .idx must still be absent (else it is no orphan). */
async function orphanStillOrphan(entry: TmpEntry): Promise<boolean> {
  return !(await exists(entry.path.replace(/\.idx$/, ".pack")));
}

async function ageOnlyReason(deps: PassDeps, repo: Repository): Promise<string | undefined> {
  const detect = deps.networkFs ?? detectNetworkFs;
  for (const dir of new Set([repo.objectsDir, repo.commonDir])) {
    const fs = await detect(dir);
    if (fs !== undefined) return `network filesystem (${fs}): other hosts' writers are invisible`;
  }
  return undefined;
}

async function prove(
  deps: PassDeps,
  repo: Repository,
  check: Check,
  snapshot: ProcSnapshot,
  request: PassRequest,
): Promise<Verdict> {
  try {
    if (check.livenessEntry.kind === "orphan-idx" && !(await orphanStillOrphan(check.livenessEntry))) {
      return { action: "keep", reason: "its .pack exists" };
    }
    const verdict = await deps.processes.liveness(repo, check.livenessEntry, {
      snapshot,
      slackMs: deps.options.slackMs,
      ...(request.ignorePids ? { ignorePids: request.ignorePids } : {}),
    });
    return decide(check, verdict);
  } catch (error) {
    return { action: "keep", reason: `liveness check failed: ${errorMessage(error)}` };
  }
}

/** Runs one pass. Never throws for a single file; a failing scan rejects. */
export async function reapPass(deps: PassDeps, repo: Repository, request: PassRequest): Promise<PassResult> {
  const now = deps.now ?? Date.now;
  const scan = await deps.scan(repo);
  const result: PassResult = {
    repo: repo.id,
    dryRun: request.dryRun,
    deleted: [],
    kept: [],
    bytesFreed: 0,
    problems: scan.problems.map((p) => ({ path: relToGitDir(repo, p.path), error: p.error })),
    tmpFiles: scan.entries.length,
    tmpBytes: scan.entries.reduce((sum, e) => sum + e.bytes, 0),
    ageOnly: undefined,
    nextDueAt: undefined,
  };
  const keep = (entry: TmpEntry, reason: string, retryAt?: number): void => {
    result.kept.push({ path: entry.rel, reason });
    if (retryAt !== undefined && (result.nextDueAt === undefined || retryAt < result.nextDueAt)) result.nextDueAt = retryAt;
  };
  if (scan.entries.length === 0) return result;
  if (!deps.processes.supported) {
    for (const e of scan.entries) keep(e, "no /proc on this platform: writers cannot be proven dead");
    return result;
  }
  result.ageOnly = await ageOnlyReason(deps, repo);
  const input: PolicyInput = {
    now: now(),
    options: deps.options,
    ourHost: deps.hostname,
    ageOnly: result.ageOnly,
    minAgeOverrideMs: request.minAgeOverrideMs,
    skipMinAgeWindow: request.skipMinAgeWindow,
    ownerAlive: (pid, startTicks) => {
      if (!deps.processes.isAlive(pid)) return false;
      if (startTicks === undefined) return true;
      const actual = deps.processes.startTicksOf(pid);
      return actual === undefined || actual === startTicks;
    },
  };
  const checks: [TmpEntry, Check][] = [];
  for (const entry of scan.entries) {
    const unread = scan.problems.find((p) => p.path === entry.path || p.path.startsWith(`${entry.path}/`));
    if (unread) {
      // Its newest change (or its holders) cannot be known for what could not be read.
      keep(entry, `could not read all of it (${relToGitDir(repo, unread.path)}: ${unread.error})`);
      continue;
    }
    const pre = precheck(entry, input);
    if (pre.action === "keep") keep(entry, pre.reason, pre.retryAt);
    else checks.push([entry, pre]);
  }
  if (checks.length === 0) return result;
  // The snapshot is taken AFTER the file scan: a writer of any scanned file started before it.
  const snapshot = await deps.processes.scan({ fds: true });
  for (const [entry, check] of checks) {
    if (request.signal?.aborted) {
      keep(entry, "aborted before it was checked");
      continue;
    }
    const verdict = await prove(deps, repo, check, snapshot, request);
    if (verdict.action === "keep") {
      keep(entry, verdict.reason);
      continue;
    }
    if (request.dryRun) {
      result.deleted.push({ path: entry.rel, bytes: entry.bytes, reason: verdict.reason });
      continue;
    }
    if (entry.kind === "orphan-idx" && !(await orphanStillOrphan(entry))) {
      keep(entry, "its .pack appeared");
      continue;
    }
    const outcome = await safeDelete(repo, entry, verdict.reason, deps.record);
    if (outcome.status === "deleted") {
      result.deleted.push({ path: entry.rel, bytes: outcome.bytes, reason: verdict.reason });
      result.bytesFreed += outcome.bytes;
    } else if (outcome.status === "gone") {
      result.deleted.push({ path: entry.rel, bytes: 0, reason: `${verdict.reason} (already gone)` });
    } else if (outcome.status === "kept") {
      keep(entry, outcome.reason);
    } else {
      result.problems.push({ path: entry.rel, error: outcome.error });
    }
  }
  return result;
}
