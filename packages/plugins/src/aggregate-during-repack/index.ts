/**
 * aggregate-during-repack: while a thorough repack runs (cruft-writer's, or an external `git
 * repack`/`gc`/`maintenance`), cheaply rolls new loose objects and small new packs into one pack
 * per cycle, without delta search, never touching what the repack uses (DESIGN.md §3 invariant 3,
 * §6). Also a standalone cheap pass: `run(repo, { args: { mode: "pass" } })` (`gitmaint aggregate`,
 * and cruft-writer's pre-repack pass). See README.md for the design and the safety argument.
 */
import { definePlugin, errorMessage, PLUGIN_API_VERSION, UsageError, type Repository, type RunResult } from "@gitmaint/core";
import type { CycleResult } from "./cycle.js";
import { REPACK_ROLES, findRepacks, stillRunning, subcommandOf, type TrackedRepack } from "./detect.js";
import { selfOwner } from "./markers.js";
import { presentNoDelta, recordNoDelta, requestRollUp } from "./no-delta.js";
import { optionsSchema } from "./options.js";
import { standalonePass } from "./pass.js";
import { recoverRepo } from "./recover.js";
import { Session } from "./session.js";

export type { AggregateOptions } from "./options.js";
export type { CycleResult } from "./cycle.js";

const MODES = ["pass", "status", "no-delta"] as const;

/** Human summary of a cycle. */
export function cycleSummary(r: CycleResult, dryRun: boolean): string {
  if (r.stopped && !r.output) return `nothing done: ${r.stopped}`;
  const verb = dryRun ? "would roll up" : "rolled up";
  const packs = dryRun ? r.inputs.length : r.deleted.length;
  const kept = r.kept.length > 0 ? `, kept ${r.kept.length} inputs (${r.kept[0]?.why ?? ""})` : "";
  return `${verb} ${r.looseObjects} loose objects and ${packs} packs${r.output ? ` into pack-${r.output.slice(0, 12)}` : ""}${kept}`;
}

export default definePlugin({
  name: "aggregate-during-repack",
  apiVersion: PLUGIN_API_VERSION,
  description: "keeps the pack count low while a long repack runs: rolls up new loose objects and small packs without delta search",
  options: optionsSchema,
  setup(ctx) {
    const o = ctx.options;
    const owner = selfOwner(ctx.processes);
    const sessions = new Map<string, Session>();
    const recovered = new Map<string, Promise<unknown>>();
    const chains = new Map<string, Promise<unknown>>();
    const background = new Set<Promise<unknown>>();

    const track = (p: Promise<unknown>): void => {
      const settled = p.catch((error: unknown) => ctx.logger.warn(errorMessage(error)));
      background.add(settled);
      void settled.finally(() => background.delete(settled));
    };
    /** Start-up clean-up of a repository (stale markers, staging dirs, an interrupted deletion). */
    const recover = (repo: Repository): Promise<unknown> => {
      let p = recovered.get(repo.id);
      if (!p) {
        p = recoverRepo(ctx, repo).then((r) => {
          if (r.removed.length > 0) ctx.logger.info(`${repo.name}: removed what a killed gitmaint left: ${r.removed.join(", ")}`);
        });
        recovered.set(repo.id, p);
        track(p);
      }
      return p;
    };
    for (const repo of ctx.repos.list()) void recover(repo);

    /** One cycle at a time per repository in this process, and across processes (the `aggregate` lock). */
    const exclusive = async <T>(repo: Repository, fn: () => Promise<T>): Promise<T | undefined> => {
      await recover(repo).catch(() => {});
      const prev = chains.get(repo.id) ?? Promise.resolve();
      const run = prev.then(async () => {
        const lock = await ctx.locks.tryAcquire(repo, "aggregate", { owner: ctx.name });
        if (!lock) return undefined;
        try {
          return await fn();
        } finally {
          await lock.release();
        }
      });
      chains.set(
        repo.id,
        run.catch(() => {}),
      );
      return run;
    };

    const onEnd = async (s: Session): Promise<void> => {
      if (sessions.get(s.repo.id) === s) sessions.delete(s.repo.id);
      const noDelta = await recordNoDelta(ctx, s.repo, s.written);
      const deleted = s.cycles.reduce((n, c) => n + c.deleted.length, 0);
      ctx.logger.info(`${s.repo.name}: repack ended; ${s.cycles.length} aggregation cycles rolled up ${deleted} packs; ${noDelta.length} no-delta packs recorded`);
      if (noDelta.length > 0 && o.rollUpDelayMs > 0 && !ctx.signal.aborted) {
        track(
          new Promise<void>((r) => setTimeout(r, o.rollUpDelayMs).unref())
            .then(() => requestRollUp(ctx, s.repo))
            .then((m) => ctx.logger.info(`${s.repo.name}: ${m}`)),
        );
      }
    };

    /** The repository's session while it runs (an ended one is history, whatever the map says). */
    const liveSession = (repoId: string): Session | undefined => {
      const s = sessions.get(repoId);
      return s && s.state !== "ended" ? s : undefined;
    };

    const startOrAdd = (repo: Repository, r: TrackedRepack): void => {
      if (ctx.signal.aborted || !stillRunning(ctx.processes, r)) return; // seen in a scan a moment old, gone since
      const live = liveSession(repo.id);
      if (live) return live.add(r);
      const s = new Session(ctx, repo, r, owner, { exclusive, onEnd });
      // a repack seen in a slightly old scan may be gone already: then the session ended inside its
      // constructor (onEnd ran before it was registered) and must not be registered at all
      if (s.state !== "ended") sessions.set(repo.id, s);
      track(s.done);
    };

    ctx.bus.on("git.started", (e) => {
      if (e.owner === ctx.name || e.owner !== "cruft-writer") return;
      const sub = subcommandOf(e.argv);
      if (sub !== "repack" && sub !== "gc") return;
      const repo = ctx.repos.get(e.repo);
      const ticks = ctx.processes.startTicksOf(e.pid);
      if (repo && ticks !== undefined) startOrAdd(repo, { pid: e.pid, startTicks: ticks, startTime: e.at, argv: [sub, ...e.argv.slice(1)], source: "cruft-writer" });
    });

    ctx.bus.on("process.seen", (e) => {
      if (!REPACK_ROLES.has(e.role)) return;
      const repo = ctx.repos.get(e.repo);
      const ticks = ctx.processes.startTicksOf(e.pid);
      if (repo && ticks !== undefined) startOrAdd(repo, { pid: e.pid, startTicks: ticks, startTime: e.startTime, argv: e.argv, source: "external" });
    });

    if (o.detectIntervalMs > 0 && ctx.processes.supported) {
      ctx.every(o.detectIntervalMs, async () => {
        // a scan taken by another poller (the engine's process monitor) within the interval will do
        const snapshot = await ctx.processes.scan({ fds: false, maxAgeMs: o.detectIntervalMs });
        const mine = new Set(ctx.processes.ownedChildren().filter((c) => c.owner === ctx.name).map((c) => c.pid));
        for (const repo of ctx.repos.list()) {
          for (const p of await findRepacks(ctx.processes, repo, snapshot, mine)) {
            if (p.role === "multi-pack-index" || p.match !== "certain") continue;
            startOrAdd(repo, { pid: p.pid, startTicks: p.startTicks, startTime: p.startTime, argv: p.argv, source: "external" });
          }
        }
      });
    }
    ctx.bus.on("repo.added", (e) => {
      const repo = ctx.repos.get(e.repo);
      if (repo) void recover(repo);
    });

    const run = async (repo: Repository, mode: string, dryRun: boolean, signal: AbortSignal, trigger: string): Promise<RunResult> => {
      if (mode === "no-delta") {
        const packs = await presentNoDelta(ctx, repo);
        return { summary: `${packs.length} packs written without delta search await a geometric repack`, data: { noDeltaPacks: packs } };
      }
      const live = liveSession(repo.id);
      if (mode === "status" || live) {
        const summary = live
          ? `aggregating during repack pid ${[...live.roots.keys()].join(", ")}: ${live.cycles.length} cycles, ${live.protectedSet.size} packs protected`
          : "no repack running";
        return { summary, data: { session: live ? sessionData(live) : undefined } };
      }
      const result = await exclusive(repo, () => standalonePass(ctx, repo, owner, dryRun, signal, trigger === "cli" ? "standalone pass" : `pass for ${trigger}`));
      if (!result) return { summary: "another aggregation holds the aggregate lock; skipped", data: { skipped: "aggregate lock busy" } };
      if (!dryRun) await recordNoDelta(ctx, repo, result.output ? [result.output] : []);
      if (!dryRun && result.output)
        ctx.action(repo.id, { kind: "aggregated", message: cycleSummary(result, false), bytes: result.bytesWritten, details: { ...result } });
      return { summary: cycleSummary(result, dryRun), data: { ...result, dryRun } };
    };

    return {
      run(repo, opts) {
        const mode = opts.args["mode"] ?? "pass";
        if (typeof mode !== "string" || !(MODES as readonly string[]).includes(mode))
          throw new UsageError(`aggregate-during-repack: mode must be one of ${MODES.join(", ")} (got ${String(mode)})`);
        return run(repo, mode, opts.dryRun, opts.signal, opts.trigger);
      },
      async status(repo) {
        const live = liveSession(repo.id);
        const noDelta = await presentNoDelta(ctx, repo);
        const now = live ? `aggregating during repack (${live.cycles.length} cycles, ${live.protectedSet.size} packs protected)` : "idle";
        return { summary: `${now}; ${noDelta.length} no-delta packs await a geometric repack`, data: { session: live ? sessionData(live) : undefined, noDeltaPacks: noDelta } };
      },
      async dispose() {
        for (const s of sessions.values()) s.stop();
        await Promise.allSettled([...background]);
      },
    };
  },
});

function sessionData(s: Session): Record<string, unknown> {
  return {
    state: s.state,
    repacks: [...s.roots.values()].map((r) => ({ pid: r.pid, argv: r.argv, source: r.source, recorded: r.recorded })),
    protected: s.protectedSet.size,
    cycles: s.cycles.length,
    written: [...s.written],
  };
}
