/**
 * A standalone cheap pass (no repack running): `gitmaint aggregate`, and the pass cruft-writer runs
 * right before its full repack. All loose objects and all settled, unpinned small packs are rolled
 * up. Its guard refuses while any repack/gc/maintenance/multi-pack-index process works on the
 * repository, before starting and again right before deleting inputs. An external repack that starts
 * in the instant between that last check and the unlink fails safely (`could not find pack`, for
 * --cruft/--geometric; nothing is lost) and should simply be retried (DESIGN.md §6).
 */
import type { PluginContext, Repository } from "@gitmaint/core";
import { runCycle, type CycleResult } from "./cycle.js";
import { findRepacks } from "./detect.js";
import { PackDirWatch } from "./dir-watch.js";
import type { Owner } from "./markers.js";
import type { AggregateOptions } from "./options.js";

type Ctx = PluginContext<AggregateOptions>;

/** Why a standalone pass must not run (or delete) right now. */
export async function noRepackGuard(ctx: Ctx, repo: Repository, signal: AbortSignal): Promise<string | undefined> {
  if (signal.aborted) return "aborted";
  if (!ctx.processes.supported) return undefined; // documented: without /proc only the maintenance lock protects
  const snapshot = await ctx.processes.scan({ fds: false });
  const mine = new Set(ctx.processes.ownedChildren().filter((c) => c.owner === ctx.name).map((c) => c.pid));
  const busy = await findRepacks(ctx.processes, repo, snapshot, mine);
  const first = busy[0];
  return first ? `a git ${first.role} is working on the repository (pid ${first.pid}); the during-repack loop handles it` : undefined;
}

export async function standalonePass(ctx: Ctx, repo: Repository, owner: Owner, dryRun: boolean, signal: AbortSignal, context: string): Promise<CycleResult> {
  const watch = new PackDirWatch(repo.packDir);
  try {
    return await runCycle(ctx, {
      repo,
      owner,
      watch,
      protectedSet: undefined,
      ours: new Set(),
      looseSince: undefined,
      guard: () => noRepackGuard(ctx, repo, signal),
      dryRun,
      signal,
      context,
    });
  } finally {
    watch.close();
  }
}
