/**
 * The guard: watches side git dirs of snapshotting tools (the `roots`), stops external git
 * processes on them that run longer than `maxRuntimeMs` (journaled, action "killed"), has the
 * reaper clean the dir at once, alerts when a dir grows faster than `maxGrowthPerHourBytes`, and
 * optionally maintains idle dirs. A process that is not certainly working on a watched dir, or is
 * one of gitmaint's own git runs or any descendant of one (a gc's pack-objects, an alias's shell
 * and its git), is never touched.
 */
import { existsSync } from "node:fs";
import { errorMessage, formatBytes, formatDuration, resolveRepository } from "@gitmaint/core";
import type { GitProcInfo, PluginContext, PluginHooks, PluginStatus, ProcSnapshot, Repository, RunOptions, RunResult } from "@gitmaint/core";
import { GrowthTracker, dirBytes } from "./growth.js";
import { killVerified } from "./kill.js";
import { DEFAULT_ROOT, type GuardOptions } from "./options.js";
import { expandGlob, watchedDirs } from "./roots.js";

const REAPER = "tmp-pack-reaper";
/** Parent links followed at most (guards against a ppid cycle left by pid reuse between reads). */
const MAX_DEPTH = 64;

/**
 * True when `pid` is one of `own` or descends from one, following ppid links in `snapshot`. The
 * walk stops at pid 1/0, at `stopAt` (gitmaint itself: its other children are not its git runs), at
 * a pid missing from the snapshot, and after MAX_DEPTH links (or a cycle from pid reuse).
 */
export function descendsFromOwn(pid: number, ppid: number, snapshot: Pick<ProcSnapshot, "get">, own: ReadonlySet<number>, stopAt: number = process.pid): boolean {
  if (own.has(pid)) return true;
  let parent = ppid;
  for (let depth = 0; depth < MAX_DEPTH && parent > 1 && parent !== stopAt; depth++) {
    if (own.has(parent)) return true;
    const info = snapshot.get(parent);
    if (!info || info.ppid === parent) return false;
    parent = info.ppid;
  }
  return false;
}

interface Runaway {
  dir: string;
  repo: Repository;
  proc: GitProcInfo;
  runtimeMs: number;
}

export interface GuardPass {
  watched: string[];
  runaways: { dir: string; pid: number; argv: string[]; runtimeMs: number; signal: string | undefined; dead: boolean }[];
  alerts: { dir: string; bytesPerHour: number }[];
}

export class Guard {
  readonly #ctx: PluginContext<GuardOptions>;
  readonly #repos = new Map<string, Repository>();
  readonly #growth = new Map<string, GrowthTracker>();
  readonly #lastSample = new Map<string, number>();
  readonly #lastMaintenance = new Map<string, number>();
  readonly #lastBusy = new Map<string, number>();
  #kills = 0;
  #watched: string[] = [];

  constructor(ctx: PluginContext<GuardOptions>) {
    this.#ctx = ctx;
  }

  start(): PluginHooks {
    const o = this.#ctx.options;
    this.#ctx.every(o.scanIntervalMs, (signal) => this.pass({ dryRun: false, signal }).then(() => {}), { immediate: true });
    return {
      run: (repo, options) => this.#run(repo, options),
      status: (repo) => this.status(repo),
    };
  }

  /** The roots in effect: the configured ones plus DEFAULT_ROOT when it exists. */
  roots(): string[] {
    const o = this.#ctx.options;
    const roots = [...o.roots];
    if (o.includeDefaultRoot && expandGlob(DEFAULT_ROOT.replace(/\/\*$/, "")).length > 0) roots.push(DEFAULT_ROOT);
    return roots;
  }

  /** One guard pass over every watched dir. */
  async pass(options: { dryRun: boolean; signal: AbortSignal }): Promise<GuardPass> {
    const o = this.#ctx.options;
    const out: GuardPass = { watched: watchedDirs(this.roots()), runaways: [], alerts: [] };
    this.#watched = out.watched;
    if (out.watched.length === 0) return out;
    const snapshot = await this.#ctx.processes.scan();
    const now = Date.now();
    for (const dir of out.watched) {
      if (options.signal.aborted) break;
      const repo = await this.#repo(dir);
      if (!repo) continue;
      const procs = await this.#externalGitOn(repo, snapshot);
      if (procs.length > 0) this.#lastBusy.set(dir, now);
      for (const proc of procs) {
        const runtimeMs = now - proc.startTime;
        if (runtimeMs <= o.maxRuntimeMs) continue;
        const r = await this.#stop({ dir, repo, proc, runtimeMs }, options);
        out.runaways.push(r);
      }
      const alert = await this.#sampleGrowth(dir, repo, now);
      if (alert !== undefined) out.alerts.push({ dir, bytesPerHour: alert });
      if (o.idleMaintenance && !options.dryRun && procs.length === 0) await this.#maybeMaintain(dir, repo, now, options.signal);
    }
    return out;
  }

  async status(repo: Repository): Promise<PluginStatus | undefined> {
    const dirs = this.#watched;
    if (dirs.length === 0) return undefined;
    const growing = dirs
      .map((d) => ({ d, rate: this.#growth.get(d)?.ratePerHour() }))
      .filter((x): x is { d: string; rate: number } => x.rate !== undefined && x.rate > this.#ctx.options.maxGrowthPerHourBytes);
    const mine = dirs.includes(repo.id) ? ` (this is one of them)` : "";
    const summary =
      `watching ${dirs.length} snapshot dir(s)${mine}; ${this.#kills} runaway git process(es) stopped` +
      (growing.length > 0 ? `; growing too fast: ${growing.map((g) => `${g.d} ${formatBytes(g.rate)}/h`).join(", ")}` : "");
    return { summary, data: { watched: dirs, kills: this.#kills, growing: growing.map((g) => ({ dir: g.d, bytesPerHour: g.rate })) } };
  }

  async #run(_repo: Repository, options: RunOptions): Promise<RunResult> {
    const pass = await this.pass({ dryRun: options.dryRun, signal: options.signal });
    const verb = options.dryRun ? "would stop" : "stopped";
    return {
      summary: `watching ${pass.watched.length} snapshot dir(s); ${verb} ${pass.runaways.length} runaway git process(es); ${pass.alerts.length} growth alert(s)`,
      data: pass,
    };
  }

  async #repo(dir: string): Promise<Repository | undefined> {
    const hit = this.#repos.get(dir);
    if (hit && existsSync(dir)) return hit;
    try {
      const repo = await resolveRepository(dir, this.#ctx.git);
      this.#repos.set(dir, repo);
      return repo;
    } catch (error) {
      this.#ctx.logger.warn(`snapshot dir ${dir}: ${errorMessage(error)}`);
      this.#repos.delete(dir);
      return undefined;
    }
  }

  /** Git processes certainly working on the repo that gitmaint did not start. */
  async #externalGitOn(repo: Repository, snapshot: ProcSnapshot): Promise<GitProcInfo[]> {
    // gitmaint's own git runs and all their descendants (a gc's repack's pack-objects) are not external
    const own = new Set<number>([...this.#ctx.processes.ownedChildren().map((c) => c.pid), ...this.#ctx.git.live().map((r) => r.pid)]);
    const procs = await this.#ctx.processes.gitProcessesFor(repo, snapshot);
    return procs.filter((p) => p.match === "certain" && p.pid !== process.pid && !descendsFromOwn(p.pid, p.ppid, snapshot, own));
  }

  async #stop(r: Runaway, options: { dryRun: boolean; signal: AbortSignal }): Promise<GuardPass["runaways"][number]> {
    const { proc, repo, dir, runtimeMs } = r;
    const base = { dir, pid: proc.pid, argv: proc.argv, runtimeMs };
    const what = `git ${proc.role === "other" ? (proc.argv.slice(1).find((a) => !a.startsWith("-")) ?? "") : proc.role} pid ${proc.pid}`;
    if (options.dryRun) return { ...base, signal: undefined, dead: false };
    const reason = `${what} on ${dir} ran ${formatDuration(runtimeMs)} (> maxRuntime ${formatDuration(this.#ctx.options.maxRuntimeMs)})`;
    await this.#ctx.record({
      repo: repo.id,
      op: "kill",
      reason,
      details: { pid: proc.pid, startTicks: proc.startTicks, argv: proc.argv, runtimeMs },
    });
    const outcome = await killVerified(this.#ctx.processes, proc, this.#ctx.options.killGraceMs, options.signal);
    if (outcome.signal === undefined) return { ...base, ...outcome };
    this.#kills++;
    this.#ctx.action(repo.id, {
      kind: "killed",
      message: `stopped ${reason} with ${outcome.signal}${outcome.dead ? "" : " (still alive)"}`,
      paths: [dir],
      details: { pid: proc.pid, argv: proc.argv, runtimeMs, signal: outcome.signal, dead: outcome.dead },
    });
    this.#ctx.logger.warn(`stopped ${reason}`);
    await this.#reap(repo, 0);
    return { ...base, ...outcome };
  }

  /** Asks the reaper to clean the dir now (minAgeMs 0 after a kill). */
  async #reap(repo: Repository, minAgeMs: number | undefined): Promise<void> {
    try {
      await this.#ctx.runPlugin(REAPER, repo, { trigger: this.#ctx.name, args: minAgeMs === undefined ? {} : { minAgeMs } });
    } catch (error) {
      this.#ctx.logger.warn(`${REAPER} on ${repo.id}: ${errorMessage(error)}`);
    }
  }

  async #sampleGrowth(dir: string, repo: Repository, now: number): Promise<number | undefined> {
    const o = this.#ctx.options;
    const last = this.#lastSample.get(dir);
    if (last !== undefined && now - last < o.growthSampleMs) return undefined;
    this.#lastSample.set(dir, now);
    let tracker = this.#growth.get(dir);
    if (!tracker) this.#growth.set(dir, (tracker = new GrowthTracker()));
    tracker.add({ at: now, bytes: await dirBytes(repo.objectsDir) });
    if (!tracker.shouldAlert(o.maxGrowthPerHourBytes, now)) return undefined;
    const rate = tracker.ratePerHour() ?? 0;
    this.#ctx.action(repo.id, {
      kind: "alerted",
      message: `snapshot dir ${dir} grows ${formatBytes(rate)}/h (limit ${formatBytes(o.maxGrowthPerHourBytes)}/h)`,
      bytes: tracker.latest?.bytes ?? 0,
      paths: [dir],
      details: { bytesPerHour: rate },
    });
    this.#ctx.logger.warn(`snapshot dir ${dir} grows ${formatBytes(rate)}/h`);
    return rate;
  }

  async #maybeMaintain(dir: string, repo: Repository, now: number, signal: AbortSignal): Promise<void> {
    const o = this.#ctx.options;
    const busy = this.#lastBusy.get(dir) ?? 0;
    const done = this.#lastMaintenance.get(dir) ?? 0;
    if (now - busy < o.idleAfterMs || now - done < Math.max(o.idleAfterMs, 3_600_000)) return;
    if (!this.#growth.get(dir)?.unchangedFor(Math.min(o.idleAfterMs, o.growthSampleMs), now)) return;
    this.#lastMaintenance.set(dir, now);
    await this.#reap(repo, undefined);
    try {
      await this.#ctx.git.run(["repack", "-d", "-q", "--geometric=2"], { repo, timeoutMs: 10 * 60_000, signal });
      this.#ctx.action(repo.id, { kind: "repacked", message: `geometric repack of idle snapshot dir ${dir}`, paths: [dir] });
    } catch (error) {
      this.#ctx.logger.warn(`repack of ${dir}: ${errorMessage(error)}`);
    }
  }
}

