/**
 * What a failed or killed git step leaves (`tmp_pack_*`, `.tmp-<pid>-pack-*`,
 * `multi-pack-index.lock`, ...) is removed with core's LeftoverCleaner: only files changed since
 * that step started, each proven dead by the ProcessTable, journaled before deletion.
 *
 * Two cases:
 * - a step fails while gitmaint lives: cleaned right away (`cleanAfterFailure`);
 * - gitmaint itself is killed mid-step (invariant 7): every step is announced in ctx.state first
 *   (the "in-flight" record: subcommand, argv, start time, pid); a run that finds a record left
 *   behind cleans that step's leftovers (`cleanupPreviousRun`).
 *
 * Both run while this plugin holds the `maintenance` lock. The locks this process holds are also
 * filtered out of the scan. That was needed before core learned to keep them (the scanner now
 * reads the gitmaint holder in lock files, so liveness keeps a live holder's lock, and GitRunner's
 * cleanup spares them); it stays as defense in depth. With core's fix, the steps could use
 * GitRunner's own cleanup (`cleanupOnFailure` left on) instead.
 */
import {
  LeftoverCleaner,
  scanTemporaries,
  type CleanupOutcome,
  type FailedRun,
  type PluginContext,
  type Repository,
  type StateStoreApi,
} from "@gitmaint/core";
import type { CruftWriterOptions } from "./options.js";

export interface InFlight {
  subcommand: string;
  argv: string[];
  startedAt: number;
  pid: number | undefined;
}

export interface PreviousRunCleanup {
  /** The step that never finished, if one was recorded. */
  previous: InFlight | undefined;
  /** Set when that step's git process is still alive: nothing was touched. */
  stillRunning: string | undefined;
  cleaned: string[];
  kept: { path: string; reason: string }[];
}

const KEY = "inflight";

type Ctx = Pick<PluginContext<CruftWriterOptions>, "state" | "processes" | "journal" | "locks" | "name" | "logger">;

/** Records (or clears, with undefined) the step in flight. */
export async function setInFlight(state: StateStoreApi, repo: Repository, record: InFlight | undefined): Promise<void> {
  await state.set(repo.id, KEY, record ?? null);
}

/** LeftoverCleaner over the repository's temporaries minus the lock files this process holds. */
async function clean(ctx: Ctx, repo: Repository, run: Omit<FailedRun, "repo" | "owner">): Promise<CleanupOutcome> {
  const ours = new Set((await ctx.locks.list(repo)).filter((l) => l.state === "held-by-us").map((l) => l.path));
  const scan = async (r: Repository) => (await scanTemporaries(r)).entries.filter((e) => !ours.has(e.path));
  const cleaner = new LeftoverCleaner({ processes: ctx.processes, journal: ctx.journal, scan });
  return cleaner.clean({ ...run, repo, owner: ctx.name });
}

/**
 * Cleans what a step that just failed left behind. Liveness ignores the step's pid unless
 * `ignoreStepPid` is false (a previous run's step: that pid is dead or belongs to another process).
 */
export async function cleanAfterFailure(
  ctx: Ctx,
  repo: Repository,
  step: InFlight,
  how: string,
  ignoreStepPid = true,
): Promise<CleanupOutcome> {
  const pids = step.pid === undefined || !ignoreStepPid ? [] : [step.pid];
  const out = await clean(ctx, repo, { subcommand: step.subcommand, pid: step.pid ?? 0, startedAt: step.startedAt, how, pids });
  if (out.cleaned.length > 0) ctx.logger.warn(`${repo.name}: removed ${out.cleaned.length} leftover(s) of the failed git ${step.subcommand}`);
  return out;
}

/** Cleans what a step of a previous, killed gitmaint left behind. */
export async function cleanupPreviousRun(ctx: Ctx, repo: Repository): Promise<PreviousRunCleanup> {
  const previous = (await ctx.state.get<InFlight | null>(repo.id, KEY)) ?? undefined;
  const out: PreviousRunCleanup = { previous, stillRunning: undefined, cleaned: [], kept: [] };
  if (!previous) return out;

  if (previous.pid !== undefined && ctx.processes.isAlive(previous.pid)) {
    const info = (await ctx.processes.scan()).get(previous.pid);
    // The same git: a git process that started no later than the step (pid not reused).
    if (info && info.comm.startsWith("git") && info.startTime <= previous.startedAt + 5000) {
      out.stillRunning = `git ${previous.subcommand} (pid ${previous.pid}) from a previous gitmaint run is still running`;
      return out;
    }
  }

  const how = "gitmaint was killed while it ran; cleaned by the next run";
  // Never ignore the recorded pid: it is dead (ignoring it changes nothing) or was reused by an
  // unrelated process, which must still count as a holder and a possible writer.
  const result = await cleanAfterFailure(ctx, repo, previous, how, false);
  out.cleaned = result.cleaned;
  out.kept = result.kept;
  await ctx.journal.append({
    repo: repo.id,
    plugin: ctx.name,
    op: "note",
    reason: `previous git ${previous.subcommand} never finished (${how}): cleaned ${result.cleaned.length}, kept ${result.kept.length}`,
    details: { previous, cleaned: result.cleaned, kept: result.kept },
  });
  await setInFlight(ctx.state, repo, undefined);
  return out;
}
