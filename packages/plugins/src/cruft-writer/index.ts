/**
 * cruft-writer: decides when a repository needs maintenance and runs it with cruft packs, a grace
 * period and expiry (DESIGN.md §4, invariant 4). On demand through `run` (`gitmaint repack`,
 * args `{ mode: "auto" | "full" | "geometric" }`), and in the daemon: a check of every repository
 * every `checkIntervalMs`, plus a debounced check after a `repo.stats` that crosses a threshold.
 * Background checks never overlap per repository and never block a Bus handler or timer.
 */
import { definePlugin, formatDuration, PLUGIN_API_VERSION, UsageError, errorMessage, type Repository, type RepoStats } from "@gitmaint/core";
import { optionsSchema, type CruftWriterOptions } from "./options.js";
import { assess, LAST_FULL, LAST_FULL_ATTEMPT, runRepack } from "./runner.js";
import { type RepackMode } from "./strategy.js";

const MODES: readonly RepackMode[] = ["auto", "full", "geometric"];

function modeOf(args: Record<string, unknown>): RepackMode {
  const mode = args["mode"] ?? "auto";
  if (typeof mode === "string" && (MODES as readonly string[]).includes(mode)) return mode as RepackMode;
  throw new UsageError(`cruft-writer: mode must be one of ${MODES.join(", ")} (got ${String(mode)})`);
}

/** Whether fresh stats cross a threshold worth a (debounced) check. */
export function statsCrossThreshold(stats: RepoStats, o: CruftWriterOptions): boolean {
  const nonCruft = stats.packs - stats.cruftPacks - stats.keptPacks;
  return stats.looseObjects > o.looseObjectLimit || nonCruft > o.minUntrackedPacks || nonCruft > o.autoPackLimit;
}

export default definePlugin({
  name: "cruft-writer",
  apiVersion: PLUGIN_API_VERSION,
  description: "decides when a repository needs a repack and runs it with cruft packs, a grace period and commit-graph",
  options: optionsSchema,
  setup(ctx) {
    const o = ctx.options;
    const running = new Map<string, Promise<void>>();
    const debounce = new Map<string, NodeJS.Timeout>();

    const background = (repo: Repository, trigger: string): void => {
      if (running.has(repo.id) || ctx.signal.aborted) return;
      const work = runRepack(ctx, repo, { mode: "auto", dryRun: false, signal: ctx.signal, trigger })
        .then((r) => (r.data.steps.length > 0 ? ctx.logger.info(`${repo.name}: ${r.summary}`) : ctx.logger.debug(`${repo.name}: ${r.summary}`)))
        .catch((error: unknown) => ctx.logger.error(`${repo.name}: ${errorMessage(error)}`))
        .finally(() => running.delete(repo.id));
      running.set(repo.id, work);
    };

    if (o.checkIntervalMs > 0) {
      ctx.every(o.checkIntervalMs, () => {
        for (const repo of ctx.repos.list()) background(repo, "daemon");
      });
    }

    ctx.bus.on("repo.stats", (e) => {
      if (!statsCrossThreshold(e.stats, o) || debounce.has(e.repo) || running.has(e.repo)) return;
      const timer = setTimeout(() => {
        debounce.delete(e.repo);
        const repo = ctx.repos.get(e.repo);
        if (repo) background(repo, "repo.stats");
      }, o.statsDebounceMs);
      timer.unref();
      debounce.set(e.repo, timer);
    });

    return {
      run: (repo, opts) =>
        runRepack(ctx, repo, { mode: modeOf(opts.args), dryRun: opts.dryRun, signal: opts.signal, trigger: opts.trigger, aggregate: opts.args["aggregate"] !== false }),
      async status(repo) {
        const [done, tried, { decision }] = await Promise.all([
          ctx.state.get<number>(repo.id, LAST_FULL),
          ctx.state.get<number>(repo.id, LAST_FULL_ATTEMPT),
          assess(ctx, repo, "auto"),
        ]);
        const last = done === undefined ? "never" : `${formatDuration(Date.now() - done)} ago`;
        return {
          summary: `last full repack ${last}; next: ${decision.action} (${decision.reasons[0] ?? ""})`,
          data: { lastFullRepackAt: done, lastFullRepackAttemptAt: tried, decision },
        };
      },
      async dispose() {
        for (const t of debounce.values()) clearTimeout(t);
        debounce.clear();
        await Promise.allSettled(running.values());
      },
    };
  },
});
