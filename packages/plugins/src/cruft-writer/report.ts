/**
 * Metrics before/after a run (packs, loose objects, bytes; reachable vs cruft), the Journal entries
 * for what the run changed (every pack written, every pack git removed, the repack itself) and the
 * one-line summary.
 */
import { formatBytes, type PluginContext, type Repository } from "@gitmaint/core";
import type { RepoShape } from "./inspect.js";
import type { CruftWriterOptions } from "./options.js";
import type { Decision } from "./strategy.js";
import type { StepResult } from "./execute.js";

export interface Metrics {
  packs: number;
  looseObjects: number;
  packBytes: number;
}

export interface ObjectBytes {
  objects: number;
  bytes: number;
}

/** The `data` of a cruft-writer run (printed by `gitmaint repack --json`). */
export interface RepackData {
  decision: { action: Decision["action"]; reasons: string[]; packRefs: boolean; commitGraph: boolean };
  /** Version notes (degraded commands on old git). */
  notes: string[];
  /** The commands the decision maps to (all of them, also in a dry run). */
  planned: string[][];
  steps: StepResult[];
  before: Metrics;
  after: Metrics;
  /** Objects/bytes in non-cruft packs after the run (the reachable set after a full repack). */
  reachable: ObjectBytes;
  /** Objects/bytes in cruft packs (`.mtimes`) after the run. */
  cruft: ObjectBytes;
  dryRun: boolean;
  /** Why nothing ran (lock busy, another repack running, ...). */
  skipped?: string;
  /** Leftovers of a previous killed run removed (relative paths). */
  cleanedLeftovers: string[];
}

export function metricsOf(shape: RepoShape): Metrics {
  return { packs: shape.packs.length, looseObjects: shape.looseObjects, packBytes: shape.packs.reduce((n, p) => n + p.bytes, 0) };
}

export function splitOf(shape: RepoShape): { reachable: ObjectBytes; cruft: ObjectBytes } {
  const sum = (cruft: boolean): ObjectBytes =>
    shape.packs.filter((p) => p.cruft === cruft).reduce((a, p) => ({ objects: a.objects + p.objects, bytes: a.bytes + p.bytes }), { objects: 0, bytes: 0 });
  return { reachable: sum(false), cruft: sum(true) };
}

type Ctx = Pick<PluginContext<CruftWriterOptions>, "record">;

/** Most object ids kept in the journal entry of a prune (the count is always exact). */
const MAX_PRUNED_IDS = 10_000;

/**
 * Journals the packs that appeared and vanished between two shapes, the loose objects
 * `prune --expire` removed (one entry: count and ids), then the run itself.
 */
export async function journalRun(
  ctx: Ctx,
  repo: Repository,
  before: RepoShape,
  after: RepoShape,
  data: RepackData,
  pruned: { oid: string; type: string }[] = [],
): Promise<void> {
  const had = new Set(before.packs.map((p) => p.name));
  const has = new Set(after.packs.map((p) => p.name));
  const why = `git ${data.decision.action} repack (${data.decision.reasons[0] ?? ""})`;
  for (const p of after.packs.filter((x) => !had.has(x.name))) {
    await ctx.record({
      repo: repo.id,
      op: "pack-written",
      path: `objects/pack/${p.name}.pack`,
      bytes: p.bytes,
      reason: `${p.cruft ? "cruft pack" : "pack"} written by ${why}`,
      details: { objects: p.objects, cruft: p.cruft },
    });
  }
  for (const p of before.packs.filter((x) => !has.has(x.name))) {
    await ctx.record({
      repo: repo.id,
      op: "delete",
      path: `objects/pack/${p.name}.pack`,
      bytes: p.bytes,
      reason: `made redundant and removed by ${why}`,
      details: { objects: p.objects, cruft: p.cruft, by: "git" },
    });
  }
  if (pruned.length > 0) {
    await ctx.record({
      repo: repo.id,
      op: "delete",
      path: "objects",
      reason: `${pruned.length} unreachable loose object(s) past the grace removed by git prune --expire (${why})`,
      details: { count: pruned.length, objects: pruned.slice(0, MAX_PRUNED_IDS), truncated: pruned.length > MAX_PRUNED_IDS },
    });
  }
  await ctx.record({
    repo: repo.id,
    op: "repack",
    bytes: data.after.packBytes,
    reason: why,
    details: { decision: data.decision, steps: data.steps, before: data.before, after: data.after, reachable: data.reachable, cruft: data.cruft },
  });
}

/** One human line for the CLI (which prefixes the repository name). */
export function summaryOf(data: RepackData): string {
  const d = data.decision;
  const why = d.reasons.join("; ");
  if (data.skipped) return `skipped: ${data.skipped}`;
  if (data.dryRun) return `would run ${d.action}${d.packRefs ? " + pack-refs" : ""}: ${why}`;
  if (data.steps.length === 0) return `nothing to do: ${why}`;
  const b = data.before;
  const a = data.after;
  const secs = (data.steps.reduce((n, s) => n + s.durationMs, 0) / 1000).toFixed(1);
  return (
    `${d.action} repack done in ${secs}s: packs ${b.packs} -> ${a.packs}, ` +
    `loose ~${b.looseObjects} -> ~${a.looseObjects}, ${formatBytes(b.packBytes)} -> ${formatBytes(a.packBytes)} ` +
    `(reachable ${data.reachable.objects} objects ${formatBytes(data.reachable.bytes)}, cruft ${data.cruft.objects} objects ${formatBytes(data.cruft.bytes)}): ${why}`
  );
}
