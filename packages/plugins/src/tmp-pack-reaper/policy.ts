/**
 * The reaper's decision rules, pure (no I/O): everything the issue requires except the process
 * proof (ProcessTable.liveness), which `precheck` prepares and `decide` folds in.
 *
 * A file is reaped only when ALL hold: its name is a known temporary/lock name for its kind, the
 * pid it names (if any) is dead, it is older than its kind's grace, and liveness proves that no
 * process holds it and no live git process could still be writing it.
 */
import type { LivenessVerdict, TmpEntry } from "@gitmaint/core";
import { formatDuration } from "@gitmaint/core";
import { minAgeOf, nameAllowed } from "./kinds.js";
import type { ReaperOptions } from "./options.js";

export interface PolicyInput {
  now: number;
  options: ReaperOptions;
  /** This machine's host name (as git writes it into .keep files and gc.pid). */
  ourHost: string;
  /**
   * Set when writers may be invisible to us (network filesystem, no /proc): the age rule is
   * raised to `networkFsMinAgeMs` and nothing skips it. The text says why, e.g. "network filesystem (nfs)".
   */
  ageOnly: string | undefined;
  /** `--min-age`: replaces every kind's grace (never the network-filesystem floor). */
  minAgeOverrideMs: number | undefined;
  /** Entries whose newest change falls in this window skip their grace (a failed gitmaint run). */
  skipMinAgeWindow: { from: number; to: number; label: string } | undefined;
  /** True when `pid` is alive (and, when given, still has that start time). */
  ownerAlive(pid: number, startTicks?: number): boolean;
}

export type Keep = { action: "keep"; reason: string; /** when the age rule alone keeps it */ retryAt?: number };
export type Check = {
  action: "check";
  /** What the cheap rules established ("age 3m ≥ 2m"). */
  because: string;
  /** The entry to pass to liveness (a pid proven irrelevant is dropped from it). */
  livenessEntry: TmpEntry;
};
export type Verdict = Keep | { action: "delete"; reason: string };

/** The minimum age that applies to an entry under the given input. */
export function effectiveMinAge(entry: TmpEntry, input: PolicyInput): { ms: number; why: string } {
  const { options } = input;
  let ms = input.minAgeOverrideMs ?? minAgeOf(entry.kind, options);
  let why = input.minAgeOverrideMs !== undefined ? "--min-age" : `${entry.kind} grace`;
  if (input.ageOnly !== undefined) {
    if (options.networkFsMinAgeMs > ms) {
      ms = options.networkFsMinAgeMs;
      why = `${input.ageOnly}: age-only rule`;
    }
    return { ms, why };
  }
  const w = input.skipMinAgeWindow;
  if (w && entry.newestChangeMs >= w.from && entry.newestChangeMs <= w.to) {
    return { ms: 0, why: `left by ${w.label}` };
  }
  return { ms, why };
}

/** The owner rule (a pid in the name or content must be dead). Returns a Keep or the entry for liveness. */
function ownerRule(entry: TmpEntry, input: PolicyInput): Keep | { entry: TmpEntry; note: string } {
  const { pid } = entry;
  switch (entry.kind) {
    case "repack-staging":
      if (pid === undefined) return { action: "keep", reason: "repack staging name without a pid" };
      if (input.ownerAlive(pid)) return { action: "keep", reason: `repack pid ${pid} is alive` };
      return { entry, note: `repack pid ${pid} is dead` };
    case "transfer-keep":
    case "gc-pid": {
      const what = entry.kind === "gc-pid" ? "gc" : "transfer";
      if (pid === undefined) return { action: "keep", reason: `${what} owner pid unreadable` };
      if (entry.host !== undefined && entry.host !== input.ourHost) {
        const max = input.options.transferKeepForeignHostMaxAgeMs;
        const age = input.now - entry.newestChangeMs;
        if (age < max) {
          return {
            action: "keep",
            reason: `names pid ${pid} on another host (${entry.host}); kept until ${formatDuration(max)} old`,
            retryAt: entry.newestChangeMs + max,
          };
        }
        // The pid belongs to another machine: it says nothing about local processes.
        const { pid: _foreign, ...rest } = entry;
        return { entry: rest, note: `other host ${entry.host}, age ${formatDuration(age)} ≥ ${formatDuration(max)}` };
      }
      if (input.ownerAlive(pid)) return { action: "keep", reason: `${what} owner pid ${pid} is alive` };
      return { entry, note: `owner pid ${pid} is dead` };
    }
    case "gitmaint-keep": {
      if (pid === undefined) return { action: "keep", reason: "gitmaint .keep without a pid" };
      if (input.ownerAlive(pid, entry.startTicks)) return { action: "keep", reason: `gitmaint pid ${pid} is alive` };
      // Dead, or the pid now belongs to another process (start time differs): drop it.
      const { pid: _gone, ...rest } = entry;
      return { entry: rest, note: `gitmaint pid ${pid} is gone` };
    }
    default: {
      if (pid === undefined) return { entry, note: "" };
      // A lock whose content names its holder (gitmaint's Locks write {pid, startTicks, host}).
      const who = entry.kind === "lock" ? `gitmaint lock holder pid ${pid}` : `owner pid ${pid}`;
      // Another machine's process says nothing about ours: keep (Locks take such locks over after 24 h).
      if (entry.host !== undefined && entry.host !== input.ourHost) {
        return { action: "keep", reason: `${who} is on another host (${entry.host}): cannot prove it dead` };
      }
      if (input.ownerAlive(pid, entry.startTicks)) return { action: "keep", reason: `${who} is alive` };
      return { entry, note: `${who} is dead` };
    }
  }
}

/** Applies every rule that needs no process scan. */
export function precheck(entry: TmpEntry, input: PolicyInput): Keep | Check {
  if (!nameAllowed(entry)) return { action: "keep", reason: `name is not a known ${entry.kind} name` };
  const owner = ownerRule(entry, input);
  if ("action" in owner) return owner;
  const min = effectiveMinAge(entry, input);
  const age = input.now - entry.newestChangeMs;
  if (age < min.ms) {
    const what = entry.isDirectory ? "newest entry changed" : "changed";
    return {
      action: "keep",
      reason: `${what} ${formatDuration(Math.max(0, age))} ago, younger than ${formatDuration(min.ms)} (${min.why})`,
      retryAt: entry.newestChangeMs + min.ms,
    };
  }
  const because = [owner.note, `age ${formatDuration(age)} ≥ ${formatDuration(min.ms)} (${min.why})`]
    .filter(Boolean)
    .join("; ");
  return { action: "check", because, livenessEntry: owner.entry };
}

/** Folds the liveness proof into a checked entry. */
export function decide(check: Check, liveness: LivenessVerdict): Verdict {
  if (!liveness.dead) return { action: "keep", reason: liveness.reason };
  return { action: "delete", reason: `${check.livenessEntry.kind}: ${liveness.reason}; ${check.because}` };
}
