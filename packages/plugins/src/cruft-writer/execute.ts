/**
 * Runs the planned git steps one after another through ctx.git (timeout killing the tree, AbortSignal,
 * `git.progress` from `--progress` output), cleaning a failed step's leftovers (leftovers.ts).
 * Before each step an "in-flight" record (pid, start time) goes to ctx.state, so that if gitmaint
 * itself is killed mid-step the next run knows whose leftovers it finds (see leftovers.ts).
 * Stops at the first failing step and reports it.
 */
import type { GitResult, PluginContext, Repository } from "@gitmaint/core";
import { errorMessage, GitError } from "@gitmaint/core";
import { cleanAfterFailure, setInFlight, type InFlight } from "./leftovers.js";
import type { CruftWriterOptions } from "./options.js";
import type { PlannedStep } from "./plan.js";

export interface StepResult {
  /** Full git argv including the `-c` pairs. */
  argv: string[];
  durationMs: number;
  ok: boolean;
  /** The error line of a failed step. */
  error?: string;
}

export interface ExecuteOutcome {
  steps: StepResult[];
  /** The error of the failed step, if any (steps after it did not run). */
  error: unknown;
  /** Leftovers of the failed step removed (relative paths). */
  cleaned: string[];
  /** Objects `git prune -v` reported removing ("<oid> <type>" lines parsed). */
  pruned: { oid: string; type: string }[];
}

type Ctx = Pick<PluginContext<CruftWriterOptions>, "git" | "state" | "bus" | "name" | "options" | "logger" | "locks" | "processes" | "journal">;

/** The full argv of a step, as the CLI and the journal show it. */
export function stepArgv(step: PlannedStep): string[] {
  return [...Object.entries(step.config).flatMap(([k, v]) => ["-c", `${k}=${v}`]), ...step.args];
}

export async function executeSteps(ctx: Ctx, repo: Repository, steps: PlannedStep[], signal: AbortSignal): Promise<ExecuteOutcome> {
  const results: StepResult[] = [];
  const pruned: ExecuteOutcome["pruned"] = [];
  for (const [i, step] of steps.entries()) {
    const argv = stepArgv(step);
    const started = Date.now();
    const record: InFlight = { subcommand: step.args[0] ?? "git", argv, startedAt: started, pid: undefined };
    await setInFlight(ctx.state, repo, record);
    ctx.logger.info(`${repo.name}: step ${i + 1}/${steps.length}: git ${argv.join(" ")}`);
    let running: Promise<GitResult>;
    try {
      running = ctx.git.run(step.args, {
        repo,
        config: step.config,
        timeoutMs: ctx.options.timeoutMs,
        signal,
        cleanupOnFailure: false, // cleaned below, sparing the locks we hold (leftovers.ts)
        ...(step.input === undefined ? {} : { input: step.input }),
      });
    } catch (error) {
      running = Promise.reject(error);
    }
    // The child is spawned synchronously: record its pid and announce the step.
    const live = ctx.git.live().find((r) => r.owner === ctx.name && r.repo === repo.id && sameArgs(r.argv, step.args));
    if (live) {
      record.pid = live.pid;
      await setInFlight(ctx.state, repo, record);
      ctx.bus.emit("git.progress", {
        repo: repo.id,
        at: Date.now(),
        runId: live.runId,
        pid: live.pid,
        owner: ctx.name,
        phase: `step ${i + 1}/${steps.length}: ${step.name}`,
        percent: Math.round((i / steps.length) * 100),
        done: i,
        total: steps.length,
      });
    }
    try {
      const result = await running;
      results.push({ argv, durationMs: Date.now() - started, ok: true });
      if (step.name === "prune") pruned.push(...parsePruned(result.stdout));
    } catch (error) {
      results.push({ argv, durationMs: Date.now() - started, ok: false, error: errorMessage(error) });
      const cleaned = await cleanAfterFailure(ctx, repo, record, howFailed(error));
      await setInFlight(ctx.state, repo, undefined);
      return { steps: results, error, cleaned: cleaned.cleaned, pruned };
    }
  }
  await setInFlight(ctx.state, repo, undefined);
  return { steps: results, error: undefined, cleaned: [], pruned };
}

/** `git prune -v` lines: "<oid> <type>". */
export function parsePruned(stdout: string): { oid: string; type: string }[] {
  const out: { oid: string; type: string }[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^([0-9a-f]{40}(?:[0-9a-f]{24})?) (\w+)$/.exec(line.trim());
    if (m?.[1] && m[2]) out.push({ oid: m[1], type: m[2] });
  }
  return out;
}

function howFailed(error: unknown): string {
  if (!(error instanceof GitError)) return errorMessage(error);
  if (error.timedOut) return "timed out";
  if (error.aborted) return "aborted";
  return error.signal ? `killed by ${error.signal}` : `exit code ${error.gitExitCode ?? "?"}`;
}

function sameArgs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
