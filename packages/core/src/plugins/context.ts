/**
 * Builds the `ctx` a plugin's setup receives. Handlers and timers registered through it are
 * wrapped: skipped while the plugin is paused/disabled, time-limited, failures counted by the host.
 */
import type { AnyHandler, BusLike, Handler, OnOptions } from "../events/bus.js";
import type { EventType, GitmaintEvents, LogLevel } from "../events/types.js";
import type { HostServices, PluginHost } from "./host.js";
import { invokeWithLimit } from "./invoke.js";
import type { PluginRecord } from "./record.js";
import type { Logger, PluginContext, ScheduleOptions } from "./types.js";

export function createContext(record: PluginRecord, services: HostServices, host: PluginHost): PluginContext {
  const name = record.definition.name;
  const signal = record.controller.signal;

  const guarded = <A extends unknown[]>(what: string, fn: (...args: A) => void | Promise<void>) =>
    (...args: A): Promise<void> | undefined => {
      if (host.inactive(record)) return undefined;
      const work = invokeWithLimit(name, what, host.handlerTimeoutMs, () => fn(...args)).then((outcome) => {
        if (outcome.ok) host.succeeded(record);
        else host.failed(record, outcome.error);
      });
      host.track(record, work);
      return work;
    };

  const scoped = (unsubscribe: () => void): (() => void) => {
    const remove = (): void => {
      unsubscribe();
      const i = record.cleanups.indexOf(remove);
      if (i >= 0) record.cleanups.splice(i, 1);
    };
    record.cleanups.push(remove);
    return remove;
  };

  const bus: BusLike = {
    on<K extends EventType>(type: K, handler: Handler<GitmaintEvents[K]>, options: OnOptions = {}) {
      const signals = options.signal ? AbortSignal.any([options.signal, signal]) : signal;
      return scoped(services.bus.on(type, guarded(`handler for ${type}`, handler), { signal: signals }));
    },
    onAny(handler: AnyHandler, options: OnOptions = {}) {
      const signals = options.signal ? AbortSignal.any([options.signal, signal]) : signal;
      const wrapped = guarded("handler for any event", (type: EventType, event: GitmaintEvents[EventType]) => handler(type, event));
      return scoped(services.bus.onAny((type, event) => void wrapped(type, event), { signal: signals }));
    },
    emit(type, event) {
      services.bus.emit(type, event);
    },
  };

  const log = (level: LogLevel) => (message: string) =>
    services.bus.emit("log", { at: Date.now(), plugin: name, level, message });
  const logger: Logger = { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };

  const every = (intervalMs: number, fn: (signal: AbortSignal) => Promise<void> | void, options: ScheduleOptions = {}) => {
    let running = false;
    let timer: NodeJS.Timeout | undefined;
    const tick = guarded(`timer (every ${intervalMs} ms)`, async () => {
      if (running) return;
      running = true;
      try {
        await fn(signal);
      } finally {
        running = false;
      }
    });
    const schedule = (): void => {
      record.nextRunAt = Date.now() + intervalMs;
      timer = setTimeout(() => {
        void tick();
        if (!signal.aborted) schedule();
      }, intervalMs);
      timer.unref();
    };
    if (options.immediate) void tick();
    schedule();
    return scoped(() => {
      if (timer) clearTimeout(timer);
      record.nextRunAt = undefined;
    });
  };

  return {
    name,
    options: record.options,
    bus,
    git: services.git.withOwner(name),
    locks: services.locks,
    processes: services.processes,
    journal: services.journal,
    state: services.stateFor(name),
    logger,
    signal,
    repos: services.repos,
    gitVersion: services.gitVersion,
    action(repo, action) {
      services.bus.emit("action", { ...action, repo, at: Date.now(), plugin: name });
    },
    record(entry) {
      return services.journal.append({ ...entry, plugin: name });
    },
    every,
    runPlugin(other, repo, options = {}) {
      return host.run(other, repo, { trigger: name, ...options, signal });
    },
  };
}
