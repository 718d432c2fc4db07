/**
 * One cruft-writer run on one repository: inspect, decide, plan; then (unless a dry run or nothing
 * to do) take the `maintenance` lock (which also takes git's `objects/maintenance.lock`), refuse
 * while another repack/gc/maintenance works on the repository, clean what a killed previous run
 * left, run the steps, measure, journal and emit an `action`. Failures are journaled and thrown.
 */
import { errorMessage, LockBusyError, type LockHandle, type PluginContext, type Repository, type RunResult } from "@gitmaint/core";
import { executeSteps, stepArgv } from "./execute.js";
import { inspectRepo, type RepoShape } from "./inspect.js";
import { cleanupPreviousRun } from "./leftovers.js";
import type { CruftWriterOptions } from "./options.js";
import { parseVersion, planSteps, type Plan } from "./plan.js";
import { journalRun, metricsOf, splitOf, summaryOf, type RepackData } from "./report.js";
import { decide, type Decision, type RepackMode } from "./strategy.js";

export interface RepackRequest {
  mode: RepackMode;
  dryRun: boolean;
  signal: AbortSignal;
  trigger: string;
  /** Before a full repack, run aggregate-during-repack's cheap pass when it is loaded (default true). */
  aggregate?: boolean;
}

/** ctx.state keys (per repository). */
export const LAST_FULL = "lastFullRepackAt";
export const LAST_FULL_ATTEMPT = "lastFullRepackAttemptAt";

/** Roles of git processes that make a repack unsafe or wasteful right now. */
const BUSY_ROLES = new Set(["repack", "gc", "maintenance"]);

type Ctx = PluginContext<CruftWriterOptions>;

/** Last full repack attempt or success, whichever is later (a failing repack must not busy-loop). */
export async function lastFullRepack(ctx: Pick<Ctx, "state">, repo: Repository): Promise<number | undefined> {
  const [done, tried] = await Promise.all([ctx.state.get<number>(repo.id, LAST_FULL), ctx.state.get<number>(repo.id, LAST_FULL_ATTEMPT)]);
  const times = [done, tried].filter((t): t is number => typeof t === "number");
  return times.length ? Math.max(...times) : undefined;
}

/** Exact loose counts (all 256 fan-out dirs) for the metrics of a run that will repack anyway. */
const EXACT = 256;

/** Inspects the repository and decides; no side effects. */
export async function assess(
  ctx: Ctx,
  repo: Repository,
  mode: RepackMode,
  sampleDirs = ctx.options.looseSampleDirs,
): Promise<{ shape: RepoShape; decision: Decision; plan: Plan }> {
  const o = ctx.options;
  const shape = await inspectRepo(repo, sampleDirs);
  const decision = decide({ shape, mode, now: Date.now(), lastFullRepackAt: await lastFullRepack(ctx, repo), options: o });
  const version = o.assumeGitVersion ? parseVersion(o.assumeGitVersion) : ctx.gitVersion;
  const plan = planSteps({ decision, version, bare: repo.bare, packDir: repo.packDir, options: o });
  return { shape, decision, plan };
}

function dataOf(decision: Decision, plan: Plan, shape: RepoShape, dryRun: boolean): RepackData {
  const m = metricsOf(shape);
  return {
    decision: { action: decision.action, reasons: [...decision.reasons, ...plan.notes], packRefs: decision.packRefs, commitGraph: decision.commitGraph },
    notes: plan.notes,
    planned: plan.steps.map(stepArgv),
    steps: [],
    before: m,
    after: m,
    ...splitOf(shape),
    dryRun,
    cleanedLeftovers: [],
  };
}

export async function runRepack(ctx: Ctx, repo: Repository, req: RepackRequest): Promise<RunResult & { data: RepackData }> {
  const first = await assess(ctx, repo, req.mode);
  const done = (data: RepackData) => ({ summary: summaryOf(data), data });
  if (req.dryRun || first.plan.steps.length === 0) return done(dataOf(first.decision, first.plan, first.shape, req.dryRun));

  const skip = (why: string) => {
    ctx.logger.warn(`${repo.name}: ${first.decision.action} repack skipped: ${why}`);
    return done({ ...dataOf(first.decision, first.plan, first.shape, false), skipped: why });
  };

  let lock: LockHandle;
  try {
    lock = await ctx.locks.acquire(repo, "maintenance", { owner: ctx.name, waitMs: ctx.options.lockWaitMs, signal: req.signal });
  } catch (error) {
    if (error instanceof LockBusyError) {
      return skip(`the maintenance lock (gitmaint's and git's objects/maintenance.lock) is held by ${error.holder}; will retry later`);
    }
    throw error;
  }
  try {
    const busy = await busyProcesses(ctx, repo);
    if (busy) return skip(busy);
    const previous = await cleanupPreviousRun(ctx, repo);
    if (previous.stillRunning) return skip(previous.stillRunning);

    if (first.decision.action === "full" && req.aggregate !== false) await aggregatePass(ctx, repo);
    // Decide again under the lock (the repository may have changed while we waited), counting exactly.
    const { shape: before, decision, plan } = await assess(ctx, repo, req.mode, EXACT);
    const data = { ...dataOf(decision, plan, before, false), cleanedLeftovers: previous.cleaned };
    if (plan.steps.length === 0) return done(data);

    if (decision.action === "full") await ctx.state.set(repo.id, LAST_FULL_ATTEMPT, Date.now());
    const outcome = await executeSteps(ctx, repo, plan.steps, req.signal);
    const after = await inspectRepo(repo, EXACT);
    Object.assign(data, { steps: outcome.steps, after: metricsOf(after), ...splitOf(after), cleanedLeftovers: [...data.cleanedLeftovers, ...outcome.cleaned] });
    await journalRun(ctx, repo, before, after, data, outcome.pruned);

    if (outcome.error !== undefined) {
      const failed = outcome.steps.at(-1);
      const message = `${repo.name}: ${decision.action} repack failed at git ${failed?.argv.join(" ") ?? "?"}: ${errorMessage(outcome.error)}`;
      await ctx.record({ repo: repo.id, op: "failure", reason: message, details: { decision: data.decision, steps: data.steps } });
      ctx.action(repo.id, { kind: "alerted", message, details: { ...data } });
      throw outcome.error;
    }
    if (decision.action === "full") await ctx.state.set(repo.id, LAST_FULL, Date.now());
    const summary = summaryOf(data);
    ctx.action(repo.id, { kind: "repacked", message: summary, bytes: data.after.packBytes, details: { ...data } });
    return { summary, data };
  } finally {
    await lock.release();
  }
}

/** A line naming the git repack/gc/maintenance processes working on the repository, if any. */
async function busyProcesses(ctx: Ctx, repo: Repository): Promise<string | undefined> {
  if (!ctx.processes.supported) {
    ctx.logger.warn(`${repo.name}: no /proc here: cannot see other git processes; relying on objects/maintenance.lock only`);
    return undefined;
  }
  const busy = (await ctx.processes.gitProcessesFor(repo)).filter((p) => BUSY_ROLES.has(p.role));
  if (busy.length === 0) return undefined;
  const list = busy
    .slice(0, 3)
    .map((p) => `pid ${p.pid} (${p.argv.join(" ").slice(0, 80)}${p.match === "possible" ? ", possibly this repository" : ""})`)
    .join(", ");
  return `another git ${busy[0]?.role} is working on this repository: ${list}; will retry later`;
}

/**
 * `repack --full --aggregate` (on by default): one cheap aggregation pass before the thorough repack
 * so it starts from fewer packs. Skipped quietly when aggregate-during-repack is not loaded; its
 * failure never stops the repack.
 */
async function aggregatePass(ctx: Ctx, repo: Repository): Promise<void> {
  try {
    const r = await ctx.runPlugin("aggregate-during-repack", repo, { args: { mode: "pass" } });
    if (r) ctx.logger.info(`${repo.name}: before the full repack: ${r.summary}`);
  } catch (error) {
    ctx.logger.debug(`${repo.name}: no aggregation pass before the full repack: ${errorMessage(error)}`);
  }
}
