/**
 * TUI test helpers: a fake Engine (the UI's boundary) built on a REAL Bus that records every
 * call the UI makes, and an Ink render into a fake terminal of a given size.
 */
// first, like the product: Ink reads NODE_ENV and CI when it loads
import "../../packages/tui/src/ui/productionEnv.js";
import { EventEmitter } from "node:events";
import { Bus } from "@gitmaint/core";
import type {
  EngineApi,
  GitmaintEvents,
  GitRunnerApi,
  JournalApi,
  JournalEntry,
  LiveRun,
  LocksApi,
  PluginInfo,
  ProcessTableApi,
  Repository,
  RepoStats,
  RepoStatus,
  RunOptions,
  RunResult,
} from "@gitmaint/core";
import { render, type Instance } from "ink";
import type { ReactElement } from "react";

export interface FakeEngine extends EngineApi {
  readonly bus: Bus;
  calls: {
    runPlugin: { name: string; repoId: string; options: Partial<Omit<RunOptions, "signal">> }[];
    pausePlugin: string[];
    resumePlugin: string[];
    killRun: number[];
    status: string[];
    journalRead: string[];
    shutdown: number;
  };
  pluginList: PluginInfo[];
  runs: LiveRun[];
  stats: Record<string, RepoStats>;
  journalEntries: JournalEntry[];
  runResult: RunResult | Error;
  /** Emits on the real Bus with `at` filled in. */
  emit<K extends keyof GitmaintEvents>(type: K, event: Omit<GitmaintEvents[K], "at"> & { at?: number }): void;
}

export function repository(name: string): Repository {
  const id = `/tmp/fake/${name}/.git`;
  return { id, gitDir: id, commonDir: id, objectsDir: `${id}/objects`, packDir: `${id}/objects/pack`, workTree: `/tmp/fake/${name}`, bare: false, name };
}

export function stats(partial: Partial<RepoStats> = {}): RepoStats {
  return { packs: 1, packBytes: 1000, cruftPacks: 0, keptPacks: 0, looseObjects: 0, looseExact: false, tmpFiles: 0, tmpBytes: 0, locks: [], sizeBytes: 1000, ...partial };
}

export function pluginInfo(name: string, partial: Partial<PluginInfo> = {}): PluginInfo {
  return { name, description: `${name} plugin`, source: "builtin", enabled: true, state: "idle", message: undefined, failures: 0, totalFailures: 0, hasRun: false, nextRunAt: undefined, ...partial };
}

/** A fake engine over a real Bus with the given repositories and plugins. */
export function fakeEngine(repos: Repository[], plugins: PluginInfo[]): FakeEngine {
  const bus = new Bus();
  const engine: FakeEngine = {
    bus,
    calls: { runPlugin: [], pausePlugin: [], resumePlugin: [], killRun: [], status: [], journalRead: [], shutdown: 0 },
    pluginList: plugins,
    runs: [],
    stats: {},
    journalEntries: [],
    runResult: { summary: "nothing to do" },
    git: {} as GitRunnerApi,
    processes: {} as ProcessTableApi,
    locks: {} as LocksApi,
    journal: {
      append: () => Promise.resolve(),
      pathFor: (repo: string) => `${repo}/journal.jsonl`,
      read: (repo: string, options?: { limit?: number }) => {
        engine.calls.journalRead.push(repo);
        const entries = engine.journalEntries.filter((e) => e.repo === repo);
        return Promise.resolve(options?.limit ? entries.slice(-options.limit) : entries);
      },
    } as JournalApi,
    repos: () => repos,
    addRepo: () => Promise.reject(new Error("not in the fake")),
    removeRepo: () => Promise.resolve(),
    plugins: () => engine.pluginList,
    runPlugin: (name, repoId, options = {}) => {
      const { signal: _signal, ...rest } = options;
      engine.calls.runPlugin.push({ name, repoId, options: rest });
      return engine.runResult instanceof Error ? Promise.reject(engine.runResult) : Promise.resolve(engine.runResult);
    },
    pausePlugin: (name) => {
      engine.calls.pausePlugin.push(name);
      engine.pluginList = engine.pluginList.map((p) => (p.name === name ? { ...p, state: "paused" } : p));
    },
    resumePlugin: (name) => {
      engine.calls.resumePlugin.push(name);
      engine.pluginList = engine.pluginList.map((p) => (p.name === name ? { ...p, state: "idle" } : p));
    },
    status: (repoId): Promise<RepoStatus> => {
      engine.calls.status.push(repoId);
      const repo = repos.find((r) => r.id === repoId);
      if (!repo) return Promise.reject(new Error(`unknown repo ${repoId}`));
      return Promise.resolve({ repo, stats: engine.stats[repoId] ?? stats(), tmpFiles: [], locks: [], gitProcesses: [], plugins: {} });
    },
    liveRuns: () => engine.runs,
    killRun: (runId) => {
      engine.calls.killRun.push(runId);
      return engine.runs.some((r) => r.runId === runId);
    },
    shutdown: () => {
      engine.calls.shutdown++;
      return Promise.resolve();
    },
    emit(type, event) {
      bus.emit(type, { at: Date.now(), ...event } as GitmaintEvents[typeof type]);
    },
  };
  return engine;
}

export class FakeStdout extends EventEmitter {
  columns: number;
  rows: number;
  isTTY = true;
  frames: string[] = [];
  constructor(columns = 80, rows = 24) {
    super();
    this.columns = columns;
    this.rows = rows;
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  #data: string | null = null;
  write(data: string): void {
    this.#data = data;
    this.emit("readable");
    this.emit("data", data);
  }
  read = (): string | null => {
    const d = this.#data;
    this.#data = null;
    return d;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export interface TerminalRender {
  instance: Instance;
  stdout: FakeStdout;
  stdin: FakeStdin;
  /** The latest full frame (Static log + live area). */
  lastFrame(): string;
  /** Types keys (each string is one key press). */
  press(...keys: string[]): Promise<void>;
  /** Resizes the fake terminal. */
  resize(columns: number, rows: number): void;
  unmount(): void;
}

export const KEY = { up: "\u001B[A", down: "\u001B[B", right: "\u001B[C", left: "\u001B[D", tab: "\t", enter: "\r", escape: "\u001B", backspace: "\u007F" };

/** Renders into a fake terminal of `columns` x `rows` (Ink debug mode: each frame is complete). */
export function renderTerminal(tree: ReactElement, columns = 80, rows = 24): TerminalRender {
  const stdout = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  const stderr = new FakeStdout(columns, rows);
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    instance,
    stdout,
    stdin,
    lastFrame: () => stdout.frames.at(-1) ?? "",
    async press(...keys) {
      for (const k of keys) {
        stdin.write(k);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    resize(c, r) {
      stdout.columns = c;
      stdout.rows = r;
      stdout.emit("resize");
    },
    unmount: () => instance.unmount(),
  };
}

/** Removes ANSI escape sequences. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, "");
}

/** Polls the latest frame (ANSI stripped) until `pred` holds; throws with the frame after `timeoutMs`. */
export async function frameUntil(t: TerminalRender, pred: (frame: string) => boolean, what: string, timeoutMs = 3000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = stripAnsi(t.lastFrame());
    if (pred(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${frame}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The live part of a debug-mode frame: the last `lines` lines (the Static log is above them). */
export function liveLines(frame: string, lines: number): string[] {
  return frame.split("\n").slice(-lines);
}
