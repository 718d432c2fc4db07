/**
 * Keeps snapshot trees reachable: one ref per snapshot under `refs/gitmaint/snapshots/<ms>`, so a
 * repack or gc never deletes a tree the tool may still restore. Retention by count and age: refs
 * past it are deleted in the same `update-ref --stdin` transaction that adds the new one, and
 * their trees become collectable. The newest snapshot is always kept.
 */
import type { SnapshotRef } from "./types.js";

export const SNAPSHOT_REF_PREFIX = "refs/gitmaint/snapshots/";

export interface RetentionPolicy {
  keepCount: number;
  keepMaxAgeMs: number;
}

/** Parses `for-each-ref --format=%(refname)%00%(objectname)` output; newest first. */
export function parseSnapshotRefs(output: string): SnapshotRef[] {
  const refs: SnapshotRef[] = [];
  for (const line of output.split("\n")) {
    const [ref = "", tree = ""] = line.split("\0");
    const m = /^(\d+)(?:-\d+)?$/.exec(ref.slice(SNAPSHOT_REF_PREFIX.length));
    if (!ref.startsWith(SNAPSHOT_REF_PREFIX) || !m || !/^[0-9a-f]{40,64}$/.test(tree)) continue;
    refs.push({ ref, tree, at: Number(m[1]) });
  }
  return sortNewestFirst(refs);
}

function sortNewestFirst(refs: SnapshotRef[]): SnapshotRef[] {
  return refs.sort((a, b) => b.at - a.at || (a.ref < b.ref ? 1 : a.ref > b.ref ? -1 : 0));
}

/** A ref name for a snapshot taken at `at` that does not collide with `existing`. */
export function refNameFor(at: number, existing: readonly SnapshotRef[]): string {
  const base = `${SNAPSHOT_REF_PREFIX}${String(Math.max(0, Math.floor(at))).padStart(15, "0")}`;
  const taken = new Set(existing.map((r) => r.ref));
  if (!taken.has(base)) return base;
  for (let n = 1; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export interface RetentionPlan {
  /** The new ref, or undefined when only retention ran. */
  create: SnapshotRef | undefined;
  delete: SnapshotRef[];
  /** The refs after the transaction, newest first. */
  after: SnapshotRef[];
}

/**
 * Plans recording `tree` at `at`: a new ref (the previous newest is replaced when it holds the
 * same tree, so its age counts from the last time it was seen), then count and age retention.
 */
export function planRecord(current: readonly SnapshotRef[], tree: string, at: number, policy: RetentionPolicy): RetentionPlan {
  const del: SnapshotRef[] = [];
  let rest = sortNewestFirst([...current]);
  const newest = rest[0];
  if (newest && newest.tree === tree) {
    del.push(newest);
    rest = rest.slice(1);
  }
  const create: SnapshotRef = { ref: refNameFor(at, current), tree, at };
  const kept: SnapshotRef[] = [create];
  const keepCount = Math.max(1, Math.floor(policy.keepCount));
  for (const r of rest) {
    if (kept.length < keepCount && at - r.at <= policy.keepMaxAgeMs) kept.push(r);
    else del.push(r);
  }
  return { create, delete: del, after: sortNewestFirst(kept) };
}

/** The `git update-ref --stdin` input of a plan. */
export function updateRefInput(plan: RetentionPlan): string {
  const lines = ["start"];
  if (plan.create) lines.push(`create ${plan.create.ref} ${plan.create.tree}`);
  for (const d of plan.delete) lines.push(`delete ${d.ref}`);
  lines.push("prepare", "commit");
  return lines.join("\n") + "\n";
}
