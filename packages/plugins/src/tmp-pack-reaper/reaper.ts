/**
 * The reaper's wiring: triggers (tmp.seen timers, failed git runs, the periodic sweep), the
 * serial per-repository queue, actions and status. The rules live in policy.ts, the pass in pass.ts.
 */
import { hostname } from "node:os";
import type {
  GitFinishedEvent,
  PluginContext,
  PluginHooks,
  PluginStatus,
  Repository,
  RunOptions,
  RunResult,
  TmpScan,
  TmpSeenEvent,
} from "@gitmaint/core";
import { UsageError, errorMessage, scanTemporaries } from "@gitmaint/core";
import { minAgeOf } from "./kinds.js";
import type { ReaperOptions } from "./options.js";
import { reapPass, type PassRequest, type PassResult } from "./pass.js";
import { passData, passSummary, reapedMessage, runResult } from "./summary.js";
import { DueTimers, SerialQueue } from "./timers.js";

/** Extra wiring for tests: a different scanner, clock or host name. */
export interface ReaperOverrides {
  scan?: (repo: Repository, options: { signal?: AbortSignal }) => Promise<TmpScan>;
  hostname?: string;
  now?: () => number;
  networkFs?: (path: string) => Promise<string | undefined>;
}

/** Minimum delay between a tmp.seen and the pass it triggers (coalesces bursts). */
const DEBOUNCE_MS = 100;
/** Re-checks after a failed run whose leftovers were still kept. */
const RECHECK_DELAYS_MS = [1000, 4000, 16_000];

export class Reaper {
  readonly #ctx: PluginContext<ReaperOptions>;
  readonly #over: ReaperOverrides;
  readonly #queue = new SerialQueue();
  readonly #timers: DueTimers;
  readonly #last = new Map<string, { at: number; result: PassResult; keptKey: string }>();
  readonly #rechecks = new Set<NodeJS.Timeout>();
  #disposed = false;

  constructor(ctx: PluginContext<ReaperOptions>, overrides: ReaperOverrides = {}) {
    this.#ctx = ctx;
    this.#over = overrides;
    this.#timers = new DueTimers((repoId) => this.#background(repoId, {}));
  }

  /** Subscribes to the bus and starts the sweep; returns the plugin hooks. */
  start(): PluginHooks {
    const { bus, options } = this.#ctx;
    bus.on("tmp.seen", (e) => this.onTmpSeen(e), { signal: this.#ctx.signal });
    bus.on("git.finished", (e) => this.onGitFinished(e), { signal: this.#ctx.signal });
    this.#ctx.every(options.sweepIntervalMs, (signal) => this.sweep(signal));
    return {
      run: (repo, opts) => this.run(repo, opts),
      status: (repo) => this.status(repo),
      dispose: () => this.dispose(),
    };
  }

  /** A temporary appeared: check it when it could first be dead. */
  onTmpSeen(e: TmpSeenEvent): void {
    if (!this.#ctx.repos.get(e.repo)) return;
    const now = this.#now();
    this.#timers.schedule(e.repo, Math.max(e.mtimeMs + minAgeOf(e.kind, this.#ctx.options), now + DEBOUNCE_MS), now);
  }

  /** A gitmaint git child failed: check its repository at once; what it left skips the grace. */
  async onGitFinished(e: GitFinishedEvent): Promise<void> {
    if (e.ok) return;
    const repo = this.#ctx.repos.get(e.repo);
    if (!repo) return;
    const slack = this.#ctx.options.slackMs;
    // No ignorePids: git.finished comes after the child's tree is dead, so its pid holds and
    // writes nothing; ignoring that number would only ignore an unrelated process that reused it.
    const request: PassRequest = {
      dryRun: false,
      skipMinAgeWindow: { from: e.at - e.durationMs - slack, to: e.at + slack, label: `failed git run ${e.runId} (pid ${e.pid})` },
      signal: this.#ctx.signal,
    };
    const result = await this.#pass(repo, request);
    if (result.kept.length > 0) this.#recheckFailedRun(repo, request, 0);
  }

  /**
   * Something was still kept right after a failed run (e.g. its grandchildren were still exiting):
   * check again with the same window after 1 s, 4 s and 16 s; the sweep covers anything later.
   */
  #recheckFailedRun(repo: Repository, request: PassRequest, attempt: number): void {
    if (attempt >= RECHECK_DELAYS_MS.length || this.#disposed) return;
    const timer = setTimeout(() => {
      this.#rechecks.delete(timer);
      if (this.#disposed) return;
      this.#pass(repo, request).then(
        (r) => {
          if (r.kept.length > 0) this.#recheckFailedRun(repo, request, attempt + 1);
        },
        (error: unknown) => this.#ctx.logger.warn(`re-check of ${repo.name} failed: ${errorMessage(error)}`),
      );
    }, RECHECK_DELAYS_MS[attempt]);
    timer.unref();
    this.#rechecks.add(timer);
  }

  /** The periodic sweep over every repository. */
  async sweep(signal: AbortSignal): Promise<void> {
    for (const repo of this.#ctx.repos.list()) {
      if (signal.aborted || this.#disposed) return;
      try {
        await this.#pass(repo, { dryRun: false, signal });
      } catch (error) {
        this.#ctx.logger.warn(`sweep of ${repo.name} failed: ${errorMessage(error)}`);
      }
    }
  }

  /** `gitmaint reap`: one pass, `args.minAgeMs` overriding every kind's grace. */
  async run(repo: Repository, opts: RunOptions): Promise<RunResult> {
    const raw = opts.args?.["minAgeMs"];
    if (raw !== undefined && (typeof raw !== "number" || !Number.isFinite(raw) || raw < 0)) {
      throw new UsageError(`tmp-pack-reaper: minAgeMs must be a non-negative number of milliseconds, got ${String(raw)}`);
    }
    const result = await this.#pass(repo, { dryRun: opts.dryRun, minAgeOverrideMs: raw, signal: opts.signal });
    return runResult(result);
  }

  /** Why each temporary is kept (a fresh dry evaluation) and what the last pass did. */
  async status(repo: Repository): Promise<PluginStatus> {
    // A dry report: reuse the tmp scan Engine.status has just made (up to 2 s old) rather than
    // reading the fan-out dirs again. Liveness is still proven with a fresh snapshot.
    const deps = this.#deps();
    if (!this.#over.scan) deps.scan = (r) => scanTemporaries(r, { signal: this.#ctx.signal, shareMs: 2_000 });
    const r = await reapPass(deps, repo, { dryRun: true });
    const last = this.#last.get(repo.id);
    const lastPass = last && !last.result.dryRun
      ? { at: last.at, deleted: last.result.deleted.length, bytesFreed: last.result.bytesFreed }
      : undefined;
    const pieces = [`${r.tmpFiles} temporaries`, `${r.kept.length} kept`, `${r.deleted.length} reapable now`];
    if (r.ageOnly) pieces.push(`${r.ageOnly}: age-only rule (${Math.round(this.#ctx.options.networkFsMinAgeMs / 3_600_000)} h)`);
    return {
      summary: pieces.join(", "),
      data: {
        tmpFiles: r.tmpFiles,
        tmpBytes: r.tmpBytes,
        kept: r.kept,
        reapable: r.deleted,
        problems: r.problems,
        ageOnly: r.ageOnly,
        nextCheckAt: this.#timers.dueAt(repo.id),
        lastPass,
      },
    };
  }

  /** Cancels timers and waits for running passes. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#timers.dispose();
    for (const t of this.#rechecks) clearTimeout(t);
    this.#rechecks.clear();
    await this.#queue.idle();
  }

  #now(): number {
    return (this.#over.now ?? Date.now)();
  }

  #deps(): Parameters<typeof reapPass>[0] {
    const ctx = this.#ctx;
    return {
      processes: ctx.processes,
      record: (entry) => ctx.record(entry),
      scan: (repo) => (this.#over.scan ?? scanTemporaries)(repo, { signal: ctx.signal }),
      options: ctx.options,
      hostname: this.#over.hostname ?? hostname(),
      ...(this.#over.now ? { now: this.#over.now } : {}),
      ...(this.#over.networkFs ? { networkFs: this.#over.networkFs } : {}),
    };
  }

  /** One serialized pass on a repository, then actions, timers and the status memory. */
  #pass(repo: Repository, request: PassRequest): Promise<PassResult> {
    return this.#queue.run(repo.id, async () => {
      const result = await reapPass(this.#deps(), repo, request);
      if (!request.dryRun) this.#after(repo, result);
      return result;
    });
  }

  #after(repo: Repository, r: PassResult): void {
    const ctx = this.#ctx;
    if (r.deleted.length > 0) {
      ctx.action(repo.id, {
        kind: "reaped",
        message: reapedMessage(r),
        bytes: r.bytesFreed,
        paths: r.deleted.map((d) => d.path),
        details: passData(r),
      });
    }
    const keptKey = r.kept.map((k) => k.path).sort().join("\n");
    const previous = this.#last.get(repo.id);
    if (r.kept.length > 0 && keptKey !== previous?.keptKey) {
      const first = r.kept[0]!;
      ctx.action(repo.id, {
        kind: "kept",
        message: `keeping ${r.kept.length} temporar${r.kept.length === 1 ? "y" : "ies"} (${first.path}: ${first.reason})`,
        paths: r.kept.map((k) => k.path),
        details: { kept: r.kept },
      });
    }
    for (const p of r.problems) ctx.logger.warn(`${repo.name}: ${p.path}: ${p.error}`);
    this.#last.set(repo.id, { at: this.#now(), result: r, keptKey });
    if (r.nextDueAt !== undefined && !this.#disposed) this.#timers.schedule(repo.id, r.nextDueAt + DEBOUNCE_MS, this.#now());
    if (r.deleted.length > 0) ctx.logger.info(`${repo.name}: ${passSummary(r)}`);
  }

  #background(repoId: string, request: Omit<PassRequest, "dryRun">): void {
    const repo = this.#ctx.repos.get(repoId);
    if (!repo || this.#disposed) return;
    this.#pass(repo, { dryRun: false, signal: this.#ctx.signal, ...request }).catch((error: unknown) => {
      this.#ctx.logger.warn(`reap of ${repo.name} failed: ${errorMessage(error)}`);
    });
  }
}
