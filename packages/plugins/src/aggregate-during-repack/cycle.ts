/**
 * One aggregation cycle (DESIGN.md §4, issue "aggregate-during-repack"), one `pack-objects` run:
 * the output holds (a) the loose objects (since the repack started, or all for a standalone pass)
 * and (b) the objects of the unprotected, complete, settled, small packs chosen as inputs (our own
 * earlier outputs among them), read from their `.idx` files, leaving out only objects of packs no
 * running repack can delete; `--window=0`: no delta search, no walk. Once the output is installed:
 * journal; delete the loose copies its `.idx` lists (prune-packed's rule, minus its rmdir of
 * fan-out directories, which races concurrent object writers); re-check the guard (ProcessTable)
 * and each input's sidecars right before deleting the input packs, `.pack` first, `.idx` last.
 * Nothing is deleted unless this cycle installed the output, or a complete pack of that name
 * already holds the objects about to lose their last copy.
 * The output carries a marker `.keep` while it is written and installed; it is removed at the end.
 */
import { rm, stat, unlink } from "node:fs/promises";
import { join, relative } from "node:path";
import { errorMessage, type PluginContext, type Repository } from "@gitmaint/core";
import type { PackDirWatch } from "./dir-watch.js";
import { writeAndInstall, type WrittenPack } from "./install.js";
import { listLoose, removePackedLoose } from "./loose.js";
import { removeMarker, type Owner } from "./markers.js";
import type { AggregateOptions } from "./options.js";
import { idxMembership, idxObjectIds, listPackDir, midxPacks, PROTECTING_SIDECARS, type PackInfo } from "./pack-dir.js";
import { excludablePacks, selectInputs, type ProtectedSet, type Skipped } from "./protect.js";
import { whyNotCovered } from "./verify.js";

export type CycleCtx = Pick<PluginContext<AggregateOptions>, "git" | "options" | "record" | "state" | "logger" | "name">;

/** ctx.state key: the deletion in flight (finished by the next run after a kill). */
export const IN_FLIGHT = "deletionInFlight";

export interface InFlightDeletion {
  owner: Owner;
  output: string;
  inputs: string[];
}

export interface CycleEnv {
  repo: Repository;
  owner: Owner;
  watch: PackDirWatch | undefined;
  protectedSet: ProtectedSet | undefined;
  /** Our outputs in this session/pass (inputs regardless of settle time); updated by the cycle. */
  ours: Set<string>;
  /** Only loose objects written at or after this time (ms); all when undefined. */
  looseSince: number | undefined;
  /** A reason not to start, or not to delete, right now (re-checked right before deleting). */
  guard: () => Promise<string | undefined>;
  dryRun: boolean;
  signal: AbortSignal;
  /** For the journal: "during repack pid 123 (git repack --cruft ...)" or "standalone pass". */
  context: string;
  details?: Record<string, unknown>;
}

export interface CycleResult {
  /** Loose objects packed (or, in a dry run, that would be). */
  looseObjects: number;
  /** Their bytes on disk, when known (they are stat'ed only when `looseSince` is set). */
  looseBytes?: number;
  /** Loose objects deleted because they are now in the output. */
  prunedLoose?: number;
  inputs: string[];
  /** The pack this cycle wrote (loose objects and inputs together). */
  output: string | undefined;
  deleted: string[];
  /** Inputs not deleted, with the reason (re-check failed, sidecar appeared...). */
  kept: Skipped[];
  skipped: Skipped[];
  bytesIn: number;
  bytesWritten: number;
  durationMs: number;
  /** Milliseconds spent per phase (guard, list-loose, list-packs, objects, write, journal, remove-loose, delete); `pack-objects` and `install` split `write`. */
  phases: Record<string, number>;
  /** Set when the cycle did not run (or stopped before deleting) and why. */
  stopped?: string;
}

function emptyResult(): CycleResult {
  return { looseObjects: 0, output: undefined, inputs: [], deleted: [], kept: [], skipped: [], bytesIn: 0, bytesWritten: 0, durationMs: 0, phases: {} };
}

export async function runCycle(ctx: CycleCtx, env: CycleEnv): Promise<CycleResult> {
  const started = Date.now();
  const res = emptyResult();
  const o = ctx.options;
  const { repo } = env;
  const done = () => ((res.durationMs = Date.now() - started), res);
  let mark = started;
  const phase = (name: string) => {
    const now = Date.now();
    res.phases[name] = (res.phases[name] ?? 0) + now - mark;
    mark = now;
  };

  const before = await env.guard();
  phase("guard");
  if (before) return (res.stopped = before), done();

  const loose = await listLoose(repo.objectsDir, { limit: o.maxLooseObjects, ...(env.looseSince === undefined ? {} : { since: env.looseSince }) });
  res.looseObjects = loose.oids.length;
  if (loose.bytes !== undefined) res.looseBytes = loose.bytes;
  phase("list-loose");

  const listing = await listPackDir(repo.packDir);
  env.protectedSet?.refresh(listing, env.watch);
  for (const ours of [...env.ours]) if (!listing.packs.has(ours)) env.ours.delete(ours);
  const { inputs: candidates, skipped } = selectInputs({
    listing,
    protectedSet: env.protectedSet,
    watch: env.watch,
    ours: env.ours,
    now: Date.now(),
    minPackAgeMs: o.minPackAgeMs,
    maxInputPackObjects: o.maxInputPackObjects,
  });
  res.skipped = skipped;
  phase("list-packs");
  // loose objects count as one input: with them, any pack joins; without, a roll-up needs minInputPacks
  const inputs = candidates.length + (loose.oids.length > 0 ? 1 : 0) >= o.minInputPacks ? candidates : [];
  if (inputs.length === 0 && loose.oids.length === 0) return done();
  res.inputs = inputs.map((p) => p.hash);
  res.bytesIn = inputs.reduce((n, p) => n + p.packBytes, 0);
  if (env.dryRun) return done();

  // The output holds every input object except those in packs certain to outlive it; a pack the
  // running repack listed (and may delete, or expire objects from) is never such a pack. The object
  // list comes straight from the inputs' .idx files and is packed with --window=0: no delta search
  // means no name hashes are needed, so there is no `--stdin-packs` history walk (which, without the
  // repack's packs to stop it, cost seconds per cycle on a long history).
  const excluded = excludablePacks(listing, inputs, env.protectedSet);
  const fromPacks = await objectsOnlyIn(repo.packDir, inputs, excluded);
  const oids = [...new Set([...loose.oids, ...fromPacks])].sort(); // the same inputs always give the same pack
  if (oids.length === 0) return (res.stopped = "every input object is already in a pack that stays"), done();
  phase("objects");
  const written = await writeAndInstall({ git: ctx.git, repo, owner: env.owner, args: [], input: oids.join("\n") + "\n", timeoutMs: o.timeoutMs, signal: env.signal });
  phase("write");
  if (!written) return (res.stopped = "pack-objects wrote nothing"), done();
  res.phases["pack-objects"] = written.ms.packObjects;
  res.phases["install"] = written.ms.install;
  res.output = written.hash;
  const victims = inputs.filter((p) => p.hash !== written.hash);
  try {
    if (!written.installed) {
      // not installed by us (a pack or a `.keep` of that name was there): delete nothing unless a
      // complete pack of that name holds every object about to lose its last copy
      const why = await whyNotCovered(repo.packDir, written.hash, victims, excluded);
      if (why) {
        res.stopped = `output not installed: ${why}`;
        res.kept.push(...victims.map((p) => ({ hash: p.hash, why: res.stopped ?? "" })));
        await ctx.record({ repo: repo.id, op: "note", reason: `aggregate-during-repack: kept the ${victims.length} inputs and ${loose.oids.length} loose objects of pack-${written.hash}: ${res.stopped}`, details: { inputs: victims.map((p) => p.hash) } });
        return done();
      }
    } else {
      res.bytesWritten = written.bytes;
      env.ours.add(written.hash);
    }
    await journalCycle(ctx, env, written, victims, res);
    phase("journal");
    if (loose.oids.length > 0) {
      res.prunedLoose = await removePackedLoose(repo.objectsDir, join(repo.packDir, `pack-${written.hash}.idx`), loose.oids, (batch) =>
        ctx.record({
          repo: repo.id,
          op: "delete",
          path: relative(repo.commonDir, repo.objectsDir),
          reason: `${batch.length} loose objects now in pack-${written.hash} (aggregate-during-repack, ${env.context})`,
          details: { loose: batch, pack: written.hash },
        }),
      );
      phase("remove-loose");
    }
    await deleteInputs(ctx, env, written.hash, victims, res);
    phase("delete");
  } finally {
    await removeMarker(repo.packDir, written.hash, env.owner);
  }
  return done();
}

/** Object ids of the input packs that are in none of the surviving packs. */
async function objectsOnlyIn(packDir: string, inputs: readonly PackInfo[], survivors: readonly PackInfo[]): Promise<string[]> {
  const out = new Set<string>();
  for (const p of inputs) for (const oid of await idxObjectIds(join(packDir, `${p.name}.idx`))) out.add(oid);
  for (const p of survivors) {
    if (out.size === 0) break;
    const has = await idxMembership(join(packDir, `${p.name}.idx`)).catch(() => undefined);
    if (has) for (const oid of out) if (has(oid)) out.delete(oid);
  }
  return [...out];
}

async function journalCycle(ctx: CycleCtx, env: CycleEnv, out: WrittenPack, victims: PackInfo[], res: CycleResult): Promise<void> {
  const { repo } = env;
  await ctx.record({
    repo: repo.id,
    op: "aggregate",
    path: relative(repo.commonDir, join(repo.packDir, `pack-${out.hash}.pack`)),
    bytes: out.bytes,
    reason: `aggregate-during-repack: rolled ${res.looseObjects} loose objects and ${victims.length} packs into pack-${out.hash} without delta search; the inputs are deleted next (${env.context})`,
    details: {
      ...env.details,
      output: out.hash,
      installed: out.installed,
      inputs: victims.map((p) => p.hash),
      inputObjects: victims.reduce((n, p) => n + p.objects, 0),
      bytesIn: res.bytesIn,
      looseObjects: res.looseObjects,
      protected: env.protectedSet?.size,
      noDelta: true,
    },
  });
  if (victims.length === 0) return;
  // one entry for all inputs (one fsync): every file about to be deleted is named in it
  await ctx.record({
    repo: repo.id,
    op: "delete",
    path: relative(repo.commonDir, repo.packDir),
    bytes: victims.reduce((n, p) => n + p.packBytes, 0),
    reason: `${victims.length} packs rolled up into pack-${out.hash} (aggregate-during-repack, ${env.context})`,
    details: {
      hashes: victims.map((p) => p.hash),
      files: victims.flatMap((p) => [...p.exts].map((e) => `${p.name}.${e}`)),
      objects: victims.reduce((n, p) => n + p.objects, 0),
    },
  });
}

async function deleteInputs(ctx: CycleCtx, env: CycleEnv, output: string, victims: PackInfo[], res: CycleResult): Promise<void> {
  const { repo } = env;
  const keepAll = async (why: string) => {
    res.stopped = why;
    res.kept.push(...victims.map((p) => ({ hash: p.hash, why })));
    await ctx.record({ repo: repo.id, op: "note", reason: `aggregate-during-repack: kept the ${victims.length} inputs of pack-${output}: ${why}`, details: { inputs: victims.map((p) => p.hash) } });
  };
  if (victims.length === 0) return;
  // Right before deleting: the ProcessTable (guard), the multi-pack-index, each input's sidecars.
  const why = await env.guard();
  if (why) return keepAll(why);
  const midx = await midxPacks(repo.packDir);
  await ctx.state.set(repo.id, IN_FLIGHT, { owner: env.owner, output, inputs: victims.map((p) => p.hash) } satisfies InFlightDeletion);
  for (const p of victims) {
    const pinned = midx.has(p.hash) ? "now in the multi-pack-index" : await pinnedBy(repo.packDir, p.name);
    if (pinned || env.protectedSet?.has(p.hash)) {
      res.kept.push({ hash: p.hash, why: pinned ?? "protected" });
      continue;
    }
    try {
      await removePack(repo.packDir, p.name);
      res.deleted.push(p.hash);
      env.ours.delete(p.hash);
    } catch (error) {
      res.kept.push({ hash: p.hash, why: `delete failed: ${errorMessage(error)}` });
    }
  }
  await ctx.state.set(repo.id, IN_FLIGHT, undefined);
  if (res.kept.length > 0)
    await ctx.record({ repo: repo.id, op: "note", reason: `aggregate-during-repack: ${res.kept.length} inputs of pack-${output} kept`, details: { kept: res.kept } });
}

/** The sidecar that appeared on a pack since it was chosen, if any. */
async function pinnedBy(packDir: string, name: string): Promise<string | undefined> {
  for (const ext of PROTECTING_SIDECARS) {
    const there = await stat(join(packDir, `${name}.${ext}`)).then(
      () => true,
      () => false,
    );
    if (there) return `.${ext} appeared`;
  }
  return undefined;
}

/** Deletes a redundant pack: `.pack` first (readers skip an `.idx` without its `.pack`), `.idx` last. */
export async function removePack(packDir: string, name: string): Promise<void> {
  await unlink(join(packDir, `${name}.pack`));
  for (const ext of ["rev", "idx"]) await rm(join(packDir, `${name}.${ext}`), { force: true });
}
