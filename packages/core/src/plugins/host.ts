/**
 * PluginHost: sets plugins up in order, isolates every call into them (time limit, failures
 * counted, repeated failures disable the plugin), supports pause/resume, and tears them down in
 * reverse order under a deadline.
 */
import { AbortError, PluginError, errorMessage } from "../errors.js";
import type { BusLike } from "../events/bus.js";
import type { PluginStateName } from "../events/types.js";
import type { PluginInfo, PluginSpec } from "../engine/types.js";
import type { GitRunnerApi, GitVersion } from "../git/types.js";
import type { JournalApi } from "../journal/types.js";
import type { LocksApi } from "../locks/types.js";
import type { ProcessTableApi } from "../process/types.js";
import type { Repository } from "../repo/types.js";
import type { StateStoreApi } from "../state/types.js";
import { createContext } from "./context.js";
import { invokeWithLimit } from "./invoke.js";
import type { PluginRecord } from "./record.js";
import type { PluginStatus, RepoRegistry, RunOptions, RunResult } from "./types.js";
import { checkDefinition, validateOptions } from "./validate.js";

export interface HostServices {
  bus: BusLike;
  git: GitRunnerApi;
  locks: LocksApi;
  processes: ProcessTableApi;
  journal: JournalApi;
  repos: RepoRegistry;
  gitVersion: GitVersion;
  stateFor(plugin: string): StateStoreApi;
}

export interface HostOptions {
  handlerTimeoutMs?: number;
  setupTimeoutMs?: number;
  maxFailures?: number;
  /** Config file the options came from (named in option errors). */
  configFile?: string;
}

export class PluginHost {
  readonly #services: HostServices;
  readonly #records: PluginRecord[] = [];
  readonly handlerTimeoutMs: number;
  readonly #setupTimeoutMs: number;
  readonly #maxFailures: number;
  readonly #configFile: string | undefined;
  #closed = false;

  constructor(services: HostServices, options: HostOptions = {}) {
    this.#services = services;
    this.handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
    this.#setupTimeoutMs = options.setupTimeoutMs ?? 10_000;
    this.#maxFailures = options.maxFailures ?? 5;
    this.#configFile = options.configFile;
  }

  /** Validates every spec first (throwing the first error), then sets the enabled ones up in order. */
  async load(specs: readonly PluginSpec[]): Promise<void> {
    const prepared = specs.map((spec) => {
      const definition = checkDefinition(spec.definition, spec.source);
      const enabled = spec.enabled !== false;
      const options = enabled ? validateOptions(definition, spec.options, this.#configFile) : undefined;
      return { spec, definition, options, enabled };
    });
    const seen = new Set<string>();
    for (const p of prepared) {
      if (seen.has(p.definition.name)) throw new PluginError(p.definition.name, `loaded twice (from ${p.spec.source})`);
      seen.add(p.definition.name);
    }
    for (const p of prepared) {
      const record: PluginRecord = {
        definition: p.definition,
        source: p.spec.source,
        enabled: p.enabled,
        options: p.options,
        state: p.enabled ? "idle" : "disabled",
        message: p.enabled ? undefined : "disabled in config",
        failures: 0,
        totalFailures: 0,
        hooks: {},
        controller: new AbortController(),
        cleanups: [],
        inflight: new Set(),
        nextRunAt: undefined,
        paused: false,
      };
      this.#records.push(record);
      if (!p.enabled) continue;
      const ctx = createContext(record, this.#services, this);
      const outcome = await invokeWithLimit(record.definition.name, "setup", this.#setupTimeoutMs, () =>
        record.definition.setup(ctx as never),
      );
      if (!outcome.ok) throw new PluginError(record.definition.name, errorMessage(outcome.error).replace(/^plugin \S+: /, ""));
      record.hooks = outcome.value ?? {};
      this.setState(record, "idle");
    }
  }

  list(): PluginInfo[] {
    return this.#records.map((r) => ({
      name: r.definition.name,
      description: r.definition.description ?? "",
      source: r.source,
      enabled: r.enabled,
      state: r.state,
      message: r.message,
      failures: r.failures,
      totalFailures: r.totalFailures,
      hasRun: typeof r.hooks.run === "function",
      nextRunAt: r.nextRunAt,
    }));
  }

  has(name: string): boolean {
    return this.#records.some((r) => r.definition.name === name);
  }

  /** Runs a plugin's on-demand `run`. Throws when the plugin fails (and counts the failure). */
  async run(name: string, repo: Repository, options: Partial<Omit<RunOptions, "signal">> & { signal?: AbortSignal } = {}): Promise<RunResult | void> {
    const record = this.#get(name);
    if (!record.enabled || record.state === "disabled")
      throw new PluginError(name, `is disabled${record.message ? ` (${record.message})` : ""}`);
    const run = record.hooks.run;
    if (!run) throw new PluginError(name, "has no run() (it only reacts to events)");
    const signal = options.signal ? AbortSignal.any([options.signal, record.controller.signal]) : record.controller.signal;
    const runOptions: RunOptions = {
      dryRun: options.dryRun ?? false,
      args: options.args ?? {},
      trigger: options.trigger ?? "cli",
      signal,
    };
    this.setState(record, "busy", `running on ${repo.name}`);
    const work = (async () => {
      try {
        const result = await run.call(record.hooks, repo, runOptions);
        this.succeeded(record);
        return result;
      } catch (error) {
        this.failed(record, error instanceof Error ? error : new Error(errorMessage(error)));
        throw error;
      }
    })();
    this.track(record, work);
    return work;
  }

  async status(name: string, repo: Repository): Promise<PluginStatus | undefined> {
    const record = this.#get(name);
    const status = record.hooks.status;
    if (!status || record.state === "disabled") return undefined;
    const outcome = await invokeWithLimit(name, "status", this.handlerTimeoutMs, () => status.call(record.hooks, repo));
    return outcome.ok ? outcome.value : { summary: `status failed: ${outcome.error.message}` };
  }

  pause(name: string): void {
    const record = this.#get(name);
    if (record.state === "disabled") return;
    record.paused = true;
    this.setState(record, "paused", "paused by user");
  }

  resume(name: string): void {
    const record = this.#get(name);
    if (!record.paused) return;
    record.paused = false;
    this.setState(record, "idle", "resumed");
  }

  /** Aborts every plugin, waits for running work up to the deadline, disposes in reverse order. */
  async shutdown(deadlineMs = 10_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const deadline = Date.now() + deadlineMs;
    const reversed = [...this.#records].reverse();
    for (const r of reversed) r.controller.abort(new AbortError("gitmaint is shutting down"));
    for (const r of reversed) runCleanups(r);
    const pending = reversed.flatMap((r) => [...r.inflight]);
    await Promise.race([Promise.allSettled(pending), sleep(Math.max(0, deadline - Date.now()))]);
    for (const r of reversed) {
      if (!r.enabled || !r.hooks.dispose) continue;
      const dispose = r.hooks.dispose;
      await invokeWithLimit(r.definition.name, "dispose", Math.max(100, deadline - Date.now()), () => dispose.call(r.hooks));
    }
  }

  // --- used by the plugin context ---

  /** True when events/timers of this plugin must be skipped. */
  inactive(record: PluginRecord): boolean {
    return this.#closed || record.paused || record.state === "disabled" || record.controller.signal.aborted;
  }

  track<T>(record: PluginRecord, work: Promise<T>): void {
    const settled = work.then(
      () => {},
      () => {},
    );
    record.inflight.add(settled);
    void settled.finally(() => record.inflight.delete(settled));
  }

  succeeded(record: PluginRecord): void {
    record.failures = 0;
    if (record.state === "busy" || record.state === "failed") this.setState(record, "idle");
  }

  failed(record: PluginRecord, error: Error): void {
    record.failures++;
    record.totalFailures++;
    const name = record.definition.name;
    this.#services.bus.emit("log", { at: Date.now(), plugin: name, level: "error", message: error.message });
    if (record.failures >= this.#maxFailures) {
      this.setState(record, "disabled", `disabled after ${record.failures} consecutive failures; last: ${error.message}`);
      record.controller.abort(new AbortError(`plugin ${name} disabled`));
      runCleanups(record);
    } else {
      this.setState(record, "failed", error.message);
    }
  }

  setState(record: PluginRecord, state: PluginStateName, message?: string): void {
    record.state = state;
    record.message = message;
    this.#services.bus.emit("plugin.state", {
      at: Date.now(),
      plugin: record.definition.name,
      state,
      failures: record.failures,
      ...(message !== undefined ? { message } : {}),
    });
  }

  #get(name: string): PluginRecord {
    const record = this.#records.find((r) => r.definition.name === name);
    if (!record) throw new PluginError(name, `is not loaded (loaded: ${this.#records.map((r) => r.definition.name).join(", ") || "none"})`);
    return record;
  }
}

function runCleanups(record: PluginRecord): void {
  for (const cleanup of record.cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch {
      // a cleanup never stops the others
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
