/**
 * The Engine: builds the shared services, resolves repositories, watches them, runs the plugin
 * host, and shuts everything down cleanly. The CLI daemon, one-shot commands and TUI use it alike.
 */
import { Bus } from "../events/bus.js";
import { GitVersionError, RepoError, UsageError, errorMessage } from "../errors.js";
import { GitRunner } from "../git/runner.js";
import type { LiveRun } from "../git/types.js";
import { Journal } from "../journal/journal.js";
import { Locks } from "../locks/locks.js";
import { PluginHost } from "../plugins/host.js";
import type { RunOptions, RunResult, PluginStatus } from "../plugins/types.js";
import { ProcessTable } from "../process/table.js";
import { resolveRepository } from "../repo/resolve.js";
import { collectStats } from "../repo/stats.js";
import { scanTemporaries } from "../repo/tmpfiles.js";
import type { Repository } from "../repo/types.js";
import { stateDir as defaultStateDir } from "../state/dir.js";
import { StateStore } from "../state/store.js";
import { RepoWatcher } from "../watch/repo-watcher.js";
import { ProcessMonitor } from "./process-monitor.js";
import type { EngineApi, EngineOptions, PluginInfo, RepoStatus } from "./types.js";

/** Oldest git gitmaint runs on (`pack-objects --stdin-packs`, `repack --geometric`). */
export const MIN_GIT = { major: 2, minor: 32 } as const;

export interface EngineCreateOptions extends EngineOptions {
  /** Config file the plugin options came from (named in option errors). */
  configFile?: string;
  /** Interval of the external git process scan (default 2 s). */
  processScanIntervalMs?: number;
  /** Called with the bus before anything starts, so a front end sees every event from the first. */
  subscribe?: (bus: Bus) => void;
}

export class Engine implements EngineApi {
  readonly bus: Bus;
  readonly processes: ProcessTable;
  readonly journal: Journal;
  readonly git: GitRunner;
  readonly locks: Locks;
  readonly stateDir: string;
  readonly #repos = new Map<string, Repository>();
  readonly #watchers = new Map<string, RepoWatcher>();
  readonly #options: EngineCreateOptions;
  readonly #monitor: ProcessMonitor;
  #host!: PluginHost;
  #shutdown: Promise<void> | undefined;

  private constructor(options: EngineCreateOptions) {
    this.#options = options;
    this.bus = new Bus({
      onHandlerError: (error, type) =>
        this.bus.emit("log", { at: Date.now(), level: "error", message: `handler for ${type} failed: ${errorMessage(error)}` }),
    });
    this.stateDir = options.stateDir ?? defaultStateDir();
    this.processes = new ProcessTable();
    this.journal = new Journal({ dir: this.stateDir });
    this.git = new GitRunner({
      bus: this.bus,
      processes: this.processes,
      journal: this.journal,
      owner: "gitmaint",
    });
    this.locks = new Locks({ processes: this.processes, bus: this.bus, journal: this.journal });
    this.#monitor = new ProcessMonitor(this.processes, this.bus, () => this.repos(), options.processScanIntervalMs ?? 2_000);
    options.subscribe?.(this.bus);
  }

  /** Creates the engine: checks git, resolves repositories, loads plugins, starts watching. */
  static async create(options: EngineCreateOptions): Promise<Engine> {
    const engine = new Engine(options);
    try {
      await engine.#start();
    } catch (error) {
      await engine.shutdown();
      throw error;
    }
    return engine;
  }

  async #start(): Promise<void> {
    const version = await this.git.version();
    if (!(await this.git.atLeast(MIN_GIT.major, MIN_GIT.minor)))
      throw new GitVersionError(
        `git ${version.text} is too old: gitmaint needs git >= ${MIN_GIT.major}.${MIN_GIT.minor} (pack-objects --stdin-packs, repack --geometric)`,
      );
    for (const path of this.#options.repos) await this.#resolveInto(path);
    this.#host = new PluginHost(
      {
        bus: this.bus,
        git: this.git,
        locks: this.locks,
        processes: this.processes,
        journal: this.journal,
        repos: { list: () => this.repos(), get: (id) => this.#repos.get(id) },
        gitVersion: version,
        stateFor: (plugin) => new StateStore({ dir: this.stateDir, plugin }),
      },
      {
        ...(this.#options.handlerTimeoutMs !== undefined ? { handlerTimeoutMs: this.#options.handlerTimeoutMs } : {}),
        ...(this.#options.setupTimeoutMs !== undefined ? { setupTimeoutMs: this.#options.setupTimeoutMs } : {}),
        ...(this.#options.maxFailures !== undefined ? { maxFailures: this.#options.maxFailures } : {}),
        ...(this.#options.configFile !== undefined ? { configFile: this.#options.configFile } : {}),
      },
    );
    await this.#host.load(this.#options.plugins);
    if (this.#watching()) {
      for (const repo of this.#repos.values()) await this.#watch(repo);
      this.#monitor.start();
    }
  }

  #watching(): boolean {
    return this.#options.watch !== false;
  }

  async #resolveInto(path: string): Promise<Repository> {
    const repo = await resolveRepository(path, this.git);
    if (!this.#repos.has(repo.id)) {
      this.#repos.set(repo.id, repo);
      this.bus.emit("repo.added", { repo: repo.id, at: Date.now(), name: repo.name });
    }
    return this.#repos.get(repo.id)!;
  }

  async #watch(repo: Repository): Promise<void> {
    if (this.#watchers.has(repo.id)) return;
    const watcher = new RepoWatcher(repo, this.bus, {
      ...(this.#options.statsIntervalMs !== undefined ? { statsIntervalMs: this.#options.statsIntervalMs } : {}),
    });
    this.#watchers.set(repo.id, watcher);
    await watcher.start();
  }

  repos(): Repository[] {
    return [...this.#repos.values()];
  }

  /** The repository with this id, or resolved from a path among the loaded ones. */
  repo(idOrPath: string): Repository {
    const repo = this.#repos.get(idOrPath) ?? [...this.#repos.values()].find((r) => r.gitDir === idOrPath || r.workTree === idOrPath);
    if (!repo) throw new RepoError(`not a repository gitmaint is managing: ${idOrPath}`, idOrPath);
    return repo;
  }

  async addRepo(path: string): Promise<Repository> {
    const repo = await this.#resolveInto(path);
    if (this.#watching()) await this.#watch(repo);
    return repo;
  }

  async removeRepo(id: string): Promise<void> {
    const repo = this.#repos.get(id);
    if (!repo) return;
    this.#repos.delete(id);
    const watcher = this.#watchers.get(id);
    this.#watchers.delete(id);
    this.#monitor.forget(id);
    await watcher?.stop();
    this.bus.emit("repo.removed", { repo: id, at: Date.now() });
  }

  plugins(): PluginInfo[] {
    return this.#host.list();
  }

  hasPlugin(name: string): boolean {
    return this.#host.has(name);
  }

  runPlugin(
    name: string,
    repoId: string,
    options: Partial<Omit<RunOptions, "signal">> & { signal?: AbortSignal } = {},
  ): Promise<RunResult | void> {
    if (!this.#host.has(name)) throw new UsageError(`plugin ${name} is not loaded (see gitmaint plugins)`);
    return this.#host.run(name, this.repo(repoId), options);
  }

  pausePlugin(name: string): void {
    this.#host.pause(name);
  }

  resumePlugin(name: string): void {
    this.#host.resume(name);
  }

  /**
   * One repository's status. The tmp places (the 256 fan-out dirs included) are read once: the
   * scan serves the stats and the result, and is shared (`shareMs`) with plugins' status hooks
   * that ask for it; the plugins' hooks run concurrently.
   */
  async status(repoId: string): Promise<RepoStatus> {
    const repo = this.repo(repoId);
    const scanned = scanTemporaries(repo, { shareMs: 0 });
    const [scan, stats, locks, snapshot] = await Promise.all([
      scanned,
      scanned.then((temporaries) => collectStats(repo, { temporaries })),
      this.locks.list(repo),
      this.processes.scan({ fds: false }),
    ]);
    const gitProcesses = await this.processes.gitProcessesFor(repo, snapshot);
    const names = this.#host.list().map((info) => info.name);
    const results = await Promise.all(names.map((name) => this.#host.status(name, repo)));
    const plugins: Record<string, PluginStatus> = {};
    names.forEach((name, i) => {
      const s = results[i];
      if (s) plugins[name] = s;
    });
    return { repo, stats, tmpFiles: scan.entries, locks, gitProcesses, plugins };
  }

  liveRuns(): LiveRun[] {
    return this.git.live();
  }

  killRun(runId: number): boolean {
    return this.git.kill(runId);
  }

  /** Idempotent clean shutdown. */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#doShutdown();
    return this.#shutdown;
  }

  async #doShutdown(): Promise<void> {
    this.#monitor.stop();
    const deadline = this.#options.shutdownTimeoutMs ?? 10_000;
    try {
      await this.#host?.shutdown(deadline);
    } finally {
      await this.git.killAll();
      await Promise.allSettled([...this.#watchers.values()].map((w) => w.stop()));
      this.#watchers.clear();
      await this.locks.releaseAll();
      await this.bus.drain();
    }
  }
}
