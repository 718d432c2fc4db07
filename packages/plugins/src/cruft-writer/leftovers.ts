/**
 * Invariant 7 for cruft-writer: a kill -9 of gitmaint mid-repack leaves git's own leftovers
 * (`tmp_pack_*`, `.tmp-<pid>-pack-*`, `multi-pack-index.lock`, ...) with nobody to clean them,
 * because GitRunner's after-failure cleanup died with gitmaint. So every step is announced in
 * ctx.state first (the "in-flight" record: subcommand, argv, start time, pid); a run that finds
 * a record left behind knows a previous step never finished, and hands it to core's
 * LeftoverCleaner, the same mechanism GitRunner uses after a failed run: only files changed
 * since that step started, each proven dead by the ProcessTable, journaled before deletion.
 */
import { LeftoverCleaner, scanTemporaries, type PluginContext, type Repository, type StateStoreApi } from "@gitmaint/core";
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

/** Records (or clears, with undefined) the step in flight. */
export async function setInFlight(state: StateStoreApi, repo: Repository, record: InFlight | undefined): Promise<void> {
  await state.set(repo.id, KEY, record ?? null);
}

type Ctx = Pick<PluginContext<CruftWriterOptions>, "state" | "processes" | "journal" | "name" | "logger">;

/** Cleans what a step of a previous, killed gitmaint left behind. */
export async function cleanupPreviousRun(ctx: Ctx, repo: Repository): Promise<PreviousRunCleanup> {
  const previous = (await ctx.state.get<InFlight | null>(repo.id, KEY)) ?? undefined;
  const out: PreviousRunCleanup = { previous, stillRunning: undefined, cleaned: [], kept: [] };
  if (!previous) return out;

  if (previous.pid !== undefined && ctx.processes.isAlive(previous.pid)) {
    const snap = await ctx.processes.scan();
    const info = snap.get(previous.pid);
    // The same git: a git process that started no later than the step (pid not reused).
    if (info && info.comm.startsWith("git") && info.startTime <= previous.startedAt + 5000) {
      out.stillRunning = `git ${previous.subcommand} (pid ${previous.pid}) from a previous gitmaint run is still running`;
      return out;
    }
  }

  const cleaner = new LeftoverCleaner({ processes: ctx.processes, journal: ctx.journal, scan: (r) => scanTemporaries(r) });
  const how = "gitmaint was killed while it ran; cleaned by the next run";
  const result = await cleaner.clean({
    repo,
    owner: ctx.name,
    subcommand: previous.subcommand,
    pid: previous.pid ?? 0,
    startedAt: previous.startedAt,
    how,
    pids: previous.pid === undefined ? [] : [previous.pid],
  });
  out.cleaned = result.cleaned;
  out.kept = result.kept;
  await ctx.journal.append({
    repo: repo.id,
    plugin: ctx.name,
    op: "note",
    reason: `previous git ${previous.subcommand} never finished (${how}): cleaned ${result.cleaned.length}, kept ${result.kept.length}`,
    details: { previous, cleaned: result.cleaned, kept: result.kept },
  });
  if (result.cleaned.length > 0) ctx.logger.warn(`${repo.name}: removed ${result.cleaned.length} leftover(s) of a killed git ${previous.subcommand}`);
  await setInFlight(ctx.state, repo, undefined);
  return out;
}
