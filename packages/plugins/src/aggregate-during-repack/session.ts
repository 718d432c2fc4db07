/**
 * A during-repack session on one repository: from the moment a repack (cruft-writer's, or an
 * external repack/gc/maintenance) is detected until it exits.
 *
 * 1. A raw watch on objects/pack starts at once (rule a: repack's `.tmp-<pid>-pack-*` names).
 * 2. Wait until the repack has a live `pack-objects` descendant (its pack list is taken just
 *    before), then record the protected set (protect.ts). Another repack appearing later is added
 *    and waited for the same way; no cycle runs while any tracked repack is unrecorded.
 * 3. Every `intervalMs`, or earlier (at most every `minIntervalMs`) once `triggerPacks` packs are
 *    ready to be rolled up: one cycle (cycle.ts), whose guard demands that every tracked repack is
 *    alive with a live pack-objects descendant (rule b) and that no other repack-like process works
 *    on the repository. The guard runs before the cycle and again right before any deletion.
 * 4. Stop when every tracked repack has exited (checked every ≤100 ms between cycles, so within one
 *    cycle of the exit); then record the packs written without delta search.
 */
import { errorMessage, type PluginContext, type Repository } from "@gitmaint/core";
import { runCycle, type CycleResult } from "./cycle.js";
import { findRepacks, packObjectsBelow, stillRunning, descendsFrom, type TrackedRepack } from "./detect.js";
import { PackDirWatch } from "./dir-watch.js";
import type { Owner } from "./markers.js";
import type { AggregateOptions } from "./options.js";
import { listPackDir } from "./pack-dir.js";
import { ProtectedSet, selectInputs } from "./protect.js";

/** How often the loop looks for a reason to start a cycle early (cheap unless the watch saw names). */
const TRIGGER_POLL_MS = 100;

type Ctx = PluginContext<AggregateOptions>;

export interface SessionHooks {
  /** Runs fn exclusively for the repository (in-process and cross-process); undefined when busy. */
  exclusive<T>(repo: Repository, fn: () => Promise<T>): Promise<T | undefined>;
  /** Called with the session's outputs that still exist when it ends. */
  onEnd(session: Session): Promise<void>;
}

interface Root extends TrackedRepack {
  recorded: boolean;
}

export class Session {
  readonly repo: Repository;
  readonly watch: PackDirWatch;
  readonly protectedSet = new ProtectedSet();
  readonly ours = new Set<string>();
  readonly cycles: CycleResult[] = [];
  readonly roots = new Map<number, Root>();
  readonly startedAt = Date.now();
  /** Every hash we ever wrote in this session (for the no-delta record). */
  readonly written = new Set<string>();
  state: "waiting" | "active" | "ended" = "waiting";
  endedAt: number | undefined;
  readonly done: Promise<void>;
  readonly #ctx: Ctx;
  readonly #owner: Owner;
  readonly #hooks: SessionHooks;
  readonly #abort = new AbortController();
  /** The watch's pack-rename count when the trigger last listed the pack directory. */
  #renamesChecked = -1;

  constructor(ctx: Ctx, repo: Repository, first: TrackedRepack, owner: Owner, hooks: SessionHooks) {
    this.#ctx = ctx;
    this.repo = repo;
    this.#owner = owner;
    this.#hooks = hooks;
    this.watch = new PackDirWatch(repo.packDir);
    this.add(first);
    this.done = this.#run().catch((error: unknown) => ctx.logger.error(`${repo.name}: aggregation session failed: ${errorMessage(error)}`));
  }

  /** Tracks another repack on the same repository (it must be waited for and recorded too). */
  add(r: TrackedRepack): void {
    if (this.state === "ended" || this.roots.has(r.pid)) return;
    this.roots.set(r.pid, { ...r, recorded: false });
    this.#ctx.logger.info(`${this.repo.name}: aggregating during git ${r.argv.slice(0, 3).join(" ")} (pid ${r.pid}, ${r.source})`);
  }

  stop(): void {
    this.#abort.abort();
  }

  get #signal(): AbortSignal {
    return AbortSignal.any([this.#abort.signal, this.#ctx.signal]);
  }

  /** Earliest start of the tracked repacks: loose objects written since then are ours to pack. */
  get looseSince(): number {
    return Math.min(...[...this.roots.values()].map((r) => r.startTime));
  }

  #alive(): Root[] {
    for (const [pid, r] of this.roots) if (!stillRunning(this.#ctx.processes, r)) this.roots.delete(pid);
    return [...this.roots.values()];
  }

  async #run(): Promise<void> {
    const o = this.#ctx.options;
    try {
      let nextCycle = 0;
      let triggerAfter = 0;
      while (!this.#signal.aborted && this.#alive().length > 0) {
        if ([...this.roots.values()].some((r) => !r.recorded)) {
          await this.#recordReady();
          await sleep(o.childPollMs, this.#signal);
          continue;
        }
        this.state = "active";
        const now = Date.now();
        if (now >= nextCycle || (now >= triggerAfter && (await this.#triggered()))) {
          const ok = await this.#cycle();
          const end = Date.now();
          nextCycle = end + o.intervalMs;
          // after a failed cycle (disk full, a bad input pack...), no early retry: the next is periodic
          triggerAfter = ok ? end + o.minIntervalMs : nextCycle;
        }
        await sleep(Math.min(TRIGGER_POLL_MS, Math.max(10, nextCycle - Date.now())), this.#signal);
      }
    } finally {
      this.state = "ended";
      this.endedAt = Date.now();
      this.watch.close();
      await this.#hooks.onEnd(this).catch((error: unknown) => this.#ctx.logger.warn(`${this.repo.name}: ${errorMessage(error)}`));
    }
  }

  /**
   * True when at least `triggerPacks` packs other than our own outputs could be inputs now. The
   * pack directory is listed only when the watch saw a `pack-*` name appear or go since the last
   * look (a pack's `.idx` arriving and its `.keep` going are such events); packs that merely settle
   * with time wait for the periodic cycle.
   */
  async #triggered(): Promise<boolean> {
    const o = this.#ctx.options;
    if (o.triggerPacks === 0 || !this.watch.ok || this.watch.packRenames === this.#renamesChecked) return false;
    this.#renamesChecked = this.watch.packRenames;
    const listing = await listPackDir(this.repo.packDir);
    this.protectedSet.refresh(listing, this.watch);
    const { inputs } = selectInputs({
      listing,
      protectedSet: this.protectedSet,
      watch: this.watch,
      ours: this.ours,
      now: Date.now(),
      minPackAgeMs: o.minPackAgeMs,
      maxInputPackObjects: o.maxInputPackObjects,
    });
    // a roll-up needs minInputPacks anyway: a smaller trigger would only start empty cycles
    return inputs.filter((p) => !this.ours.has(p.hash)).length >= Math.max(o.triggerPacks, o.minInputPacks);
  }

  /** Records the protected set for every unrecorded repack that now has a pack-objects child. */
  async #recordReady(): Promise<void> {
    const snapshot = await this.#ctx.processes.scan({ fds: false });
    for (const r of this.roots.values()) {
      if (r.recorded || packObjectsBelow(snapshot, r.pid).length === 0) continue;
      const listing = await listPackDir(this.repo.packDir);
      this.protectedSet.addListing(listing, this.watch, `present when pack-objects of pid ${r.pid} ran`);
      r.recorded = true;
      await this.#ctx.record({
        repo: this.repo.id,
        op: "note",
        reason: `aggregate-during-repack: protecting ${this.protectedSet.size} packs of git ${r.argv.slice(0, 3).join(" ")} (pid ${r.pid})`,
        details: { repackPid: r.pid, protected: this.protectedSet.hashes() },
      });
    }
  }

  /** Why no cycle may start or delete now, or undefined (rule b + no other repack). */
  readonly guard = async (): Promise<string | undefined> => {
    if (this.#signal.aborted) return "stopping";
    const roots = this.#alive();
    if (roots.length === 0) return "the repack ended";
    const snapshot = await this.#ctx.processes.scan({ fds: false });
    for (const r of roots) {
      if (!r.recorded) return `repack pid ${r.pid} has not listed its packs yet`;
      if (packObjectsBelow(snapshot, r.pid).length === 0) return `repack pid ${r.pid} has no pack-objects running`;
    }
    const mine = new Set(this.#ctx.processes.ownedChildren().filter((c) => c.owner === this.#ctx.name).map((c) => c.pid));
    const others = (await findRepacks(this.#ctx.processes, this.repo, snapshot, mine)).filter(
      (p) => !roots.some((r) => descendsFrom(snapshot, p.pid, r.pid)),
    );
    const other = others[0];
    if (other) {
      // a certain match is tracked like the first repack (waited for, recorded); a possible one (its
      // cwd or environment could not be read: often a process exiting right now) only stops this cycle
      if (other.match === "certain") this.add({ pid: other.pid, startTicks: other.startTicks, startTime: other.startTime, argv: other.argv, source: "external" });
      return `another git ${other.role} ${other.match === "certain" ? "started" : "may work on the repository"} (pid ${other.pid})`;
    }
    return undefined;
  };

  /** One cycle under the aggregate lock; false when it failed (threw). */
  async #cycle(): Promise<boolean> {
    const roots = [...this.roots.values()];
    const context = `during ${roots.map((r) => `git ${r.argv.slice(0, 2).join(" ")} pid ${r.pid}`).join(", ")}`;
    let result: CycleResult | undefined;
    try {
      result = await this.#hooks.exclusive(this.repo, () =>
      runCycle(this.#ctx, {
        repo: this.repo,
        owner: this.#owner,
        watch: this.watch,
        protectedSet: this.protectedSet,
        ours: this.ours,
        looseSince: this.looseSince,
        guard: this.guard,
        dryRun: false,
        signal: this.#signal,
        context,
        details: { repackPids: roots.map((r) => r.pid) },
      }),
    );
    } catch (error) {
      this.#ctx.logger.warn(`${this.repo.name}: aggregation cycle failed (${context}): ${errorMessage(error)}`);
      await this.#ctx.record({ repo: this.repo.id, op: "failure", reason: `aggregate-during-repack: cycle failed (${context}): ${errorMessage(error)}` });
      return false;
    }
    if (!result) return true;
    this.#ctx.logger.debug(
      `${this.repo.name}: cycle ${this.cycles.length + 1} (${result.durationMs} ms): ${result.looseObjects} loose, ${result.inputs.length} inputs, ${result.deleted.length} deleted ${JSON.stringify(result.phases)}${result.stopped ? `; stopped: ${result.stopped}` : ""}`,
    );
    this.cycles.push(result);
    if (result.output) {
      this.written.add(result.output);
      this.#ctx.action(this.repo.id, {
        kind: "aggregated",
        message: `aggregated ${result.deleted.length} packs and ${result.looseObjects} loose objects into pack-${result.output.slice(0, 12)} (${context})`,
        bytes: result.bytesWritten,
        details: { ...result, kept: result.kept.length, skipped: result.skipped.length },
      });
    }
    return true;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
