/**
 * Start-up clean-up after a killed gitmaint (DESIGN.md §3 invariant 7): stale marker `.keep`s and
 * staging directories of dead owners (markers.ts), and an input deletion that was in flight: an
 * input whose `.pack` is already gone has its remaining `.rev`/`.idx` removed (an `.idx` without its
 * `.pack` is ignored by git but is litter); inputs still complete stay (duplicates of the output,
 * rolled up by the next cycle). Everything removed is journaled first.
 */
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Repository } from "@gitmaint/core";
import { IN_FLIGHT, type CycleCtx, type InFlightDeletion } from "./cycle.js";
import { ownerDead, sweepStale } from "./markers.js";
import type { PluginContext } from "@gitmaint/core";

export interface RecoverResult {
  removed: string[];
}

export async function recoverRepo(ctx: CycleCtx & Pick<PluginContext, "processes">, repo: Repository): Promise<RecoverResult> {
  const removed: string[] = [];
  const record = (rel: string, reason: string) =>
    ctx.record({ repo: repo.id, op: "delete", path: `objects/${rel}`, reason: `aggregate-during-repack start-up: ${reason}` });
  const swept = await sweepStale(repo.objectsDir, ctx.processes, record);
  removed.push(...swept.removed.map((r) => `objects/${r}`));

  const inflight = await ctx.state.get<InFlightDeletion>(repo.id, IN_FLIGHT);
  if (inflight && ownerDead(ctx.processes, inflight.owner)) {
    for (const hash of inflight.inputs) {
      const base = join(repo.packDir, `pack-${hash}`);
      const packThere = await stat(`${base}.pack`).then(
        () => true,
        () => false,
      );
      if (packThere) continue;
      for (const ext of ["rev", "idx"]) {
        const there = await stat(`${base}.${ext}`).then(
          () => true,
          () => false,
        );
        if (!there) continue;
        await record(`pack/pack-${hash}.${ext}`, `finishing the deletion of rolled-up pack-${hash} (its .pack was deleted by pid ${inflight.owner.pid})`);
        await rm(`${base}.${ext}`, { force: true });
        removed.push(`objects/pack/pack-${hash}.${ext}`);
      }
    }
    await ctx.state.set(repo.id, IN_FLIGHT, undefined);
  }
  return { removed };
}
