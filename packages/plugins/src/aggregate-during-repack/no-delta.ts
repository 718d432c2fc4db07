/**
 * Packs written without delta search. Stock git has no `.baddeltas` marker (the git patch series
 * proposes one), so gitmaint keeps the list itself, in ctx.state, and after the repack asks
 * cruft-writer for a geometric repack: the no-delta packs are small next to the repack's output,
 * so the geometric progression rolls them up with a real delta search.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage, type PluginContext, type Repository } from "@gitmaint/core";

/** ctx.state key (per repository). */
export const NO_DELTA = "noDeltaPacks";

export interface NoDeltaPack {
  hash: string;
  at: number;
}

type Ctx = Pick<PluginContext, "state" | "logger" | "runPlugin" | "name" | "signal">;

/** The recorded no-delta packs that still exist. */
export async function presentNoDelta(ctx: Pick<Ctx, "state">, repo: Repository): Promise<NoDeltaPack[]> {
  const list = (await ctx.state.get<NoDeltaPack[]>(repo.id, NO_DELTA)) ?? [];
  const present: NoDeltaPack[] = [];
  for (const p of list) {
    const there = await stat(join(repo.packDir, `pack-${p.hash}.idx`)).then(
      () => true,
      () => false,
    );
    if (there) present.push(p);
  }
  return present;
}

/** Adds hashes to the record (dropping packs that are gone). Returns the present list. */
export async function recordNoDelta(ctx: Pick<Ctx, "state">, repo: Repository, hashes: Iterable<string>): Promise<NoDeltaPack[]> {
  const present = await presentNoDelta(ctx, repo);
  const known = new Set(present.map((p) => p.hash));
  for (const hash of hashes) {
    const there = await stat(join(repo.packDir, `pack-${hash}.idx`)).then(
      () => true,
      () => false,
    );
    if (!there || known.has(hash)) continue;
    present.push({ hash, at: Date.now() });
    known.add(hash);
  }
  await ctx.state.set(repo.id, NO_DELTA, present);
  return present;
}

/**
 * Asks cruft-writer for a geometric repack (retrying while it skips because it is busy, up to
 * `attempts`). Quietly does nothing when cruft-writer is not loaded.
 */
export async function requestRollUp(ctx: Ctx, repo: Repository, attempts = 3, retryMs = 60_000): Promise<string> {
  for (let i = 0; i < attempts && !ctx.signal.aborted; i++) {
    if ((await presentNoDelta(ctx, repo)).length === 0) return "no no-delta packs left";
    try {
      const result = await ctx.runPlugin("cruft-writer", repo, { args: { mode: "geometric" }, trigger: ctx.name });
      const data = (result?.data ?? {}) as { skipped?: string };
      if (!data.skipped) {
        const left = await recordNoDelta(ctx, repo, []);
        return `geometric repack done; ${left.length} no-delta packs left`;
      }
      ctx.logger.debug(`${repo.name}: roll-up of no-delta packs postponed: ${data.skipped}`);
    } catch (error) {
      return `no roll-up: ${errorMessage(error)}`;
    }
    await new Promise((r) => setTimeout(r, retryMs).unref());
  }
  return "roll-up postponed";
}
