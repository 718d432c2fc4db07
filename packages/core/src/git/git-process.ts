/**
 * One git child from spawn to settle: execa spawns it detached (its own process group); a timer
 * and the AbortSignal kill its whole tree (tree-killer.ts); stderr is parsed for progress and
 * kept (bounded) for the error; the exit code is judged here (execa never rejects); after a
 * failure with a repository, what the run left behind is cleaned (leftovers.ts). The promise
 * settles only after the tree is dead, the cleanup is done and `git.finished` was emitted.
 */
import { statSync } from "node:fs";
import { PassThrough } from "node:stream";
import { execa, type Options, type Result, type ResultPromise } from "execa";
import { GitError, GitVersionError, errorMessage } from "../errors.js";
import type { BusLike } from "../events/bus.js";
import type { ProcessTableApi } from "../process/types.js";
import { buildInvocation, subcommandOf } from "./invocation.js";
import type { CleanupOutcome, LeftoverCleanerApi } from "./leftovers.js";
import { ProgressThrottle, parseProgress } from "./progress.js";
import { nextRunId, type RegisteredRun, type RunRegistry } from "./registry.js";
import { StderrCollector } from "./stderr.js";
import { TreeKiller } from "./tree-killer.js";
import type { GitResult, GitRunOptions, LiveRun } from "./types.js";

/** Shared by every run of a runner and its owner views. */
export interface RunContext {
  gitBinary: string;
  owner: string;
  defaultTimeoutMs: number | undefined;
  bus: BusLike | undefined;
  processes: ProcessTableApi | undefined;
  cleaner: LeftoverCleanerApi | undefined;
  registry: RunRegistry;
}

/** Default stdout limit (64 MiB). */
export const DEFAULT_MAX_BUFFER = 64 * 1024 * 1024;
const DEFAULT_KILL_GRACE_MS = 2000;
/** How long to wait, past the grace, for a SIGKILLed tree to vanish before settling anyway. */
const DEATH_WAIT_EXTRA_MS = 5000;

type Cause = "timeout" | "abort" | "kill";

export class GitProcess implements RegisteredRun {
  readonly runId = nextRunId();
  readonly argv: string[];
  readonly owner: string;
  readonly result: Promise<GitResult>;
  readonly done: Promise<unknown>;
  readonly stdin: NodeJS.WritableStream;
  readonly stdout: NodeJS.ReadableStream;
  pid = 0;
  exited = false;
  startedAt = 0;
  readonly #ctx: RunContext;
  readonly #options: GitRunOptions;
  readonly #streaming: boolean;
  readonly #sub: ResultPromise | undefined;
  #spawnFailure: unknown;
  #killer: TreeKiller | undefined;
  #cause: Cause | undefined;
  readonly #stderr: StderrCollector;

  constructor(ctx: RunContext, args: readonly string[], options: GitRunOptions, streaming: boolean) {
    this.#ctx = ctx;
    this.#options = options;
    this.#streaming = streaming;
    this.argv = [...args];
    this.owner = options.owner ?? ctx.owner;
    const throttle = new ProgressThrottle();
    this.#stderr = new StderrCollector((line) => this.#progressLine(line, throttle));
    const inv = buildInvocation(args, options);
    if (!options.signal?.aborted) {
      this.startedAt = Date.now();
      try {
        this.#sub = this.#spawn(inv.fullArgs, inv.env, inv.cwd);
      } catch (error) {
        // execa validates its options synchronously; report it like any failure to start
        this.#spawnFailure = error;
      }
    }
    this.stdin = this.#sub?.stdin ?? endedStream();
    this.stdout = this.#sub?.stdout ?? endedStream();
    this.result = this.#settle(inv.cwd);
    this.done = this.result.catch(() => undefined);
  }

  info(): LiveRun {
    return {
      runId: this.runId,
      pid: this.pid,
      argv: this.argv,
      owner: this.owner,
      repo: this.#options.repo?.id,
      startedAt: this.startedAt,
    };
  }

  /** Kills the tree (SIGTERM, SIGKILL after the grace). False if the process already exited. */
  kill(cause: Cause = "kill"): boolean {
    if (this.exited || !this.#killer) return false;
    this.#cause ??= cause;
    this.#killer.terminate();
    return true;
  }

  #spawn(fullArgs: string[], env: Record<string, string>, cwd: string): ResultPromise {
    const o = this.#options;
    const options: Options = {
      cwd,
      env,
      extendEnv: false,
      reject: false,
      detached: true,
      cleanup: false,
      stdin: this.#streaming || o.input !== undefined ? "pipe" : "ignore",
      ...(o.input !== undefined ? { input: o.input } : {}),
      stdout: "pipe",
      stderr: "pipe",
      buffer: { stdout: !this.#streaming, stderr: false },
      maxBuffer: { stdout: o.maxBuffer ?? DEFAULT_MAX_BUFFER },
      encoding: o.binaryOutput ? "buffer" : "utf8",
    };
    const sub = execa(this.#ctx.gitBinary, fullArgs, options);
    sub.stderr?.on("data", (chunk: Buffer | string) => this.#stderr.push(chunk));
    // A git that dies while the caller still writes must not crash gitmaint with EPIPE.
    sub.stdin?.on("error", () => {});
    if (sub.pid !== undefined) {
      this.pid = sub.pid;
      this.#killer = new TreeKiller(sub.pid, o.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
      sub.once("exit", () => this.#onExit());
      this.#register();
    }
    return sub;
  }

  #register(): void {
    const { registry, processes, bus } = this.#ctx;
    const repo = this.#options.repo?.id;
    registry.add(this);
    processes?.registerChild({ pid: this.pid, runId: this.runId, owner: this.owner, repo, argv: this.argv, startedAt: this.startedAt });
    bus?.emit("git.started", { repo: repo ?? "", at: Date.now(), runId: this.runId, pid: this.pid, argv: this.argv, owner: this.owner });
  }

  #onExit(): void {
    if (this.exited) return;
    this.exited = true;
    this.#killer?.leaderExited();
    this.#ctx.processes?.unregisterChild(this.pid);
  }

  async #settle(cwd: string): Promise<GitResult> {
    const sub = this.#sub;
    if (this.#spawnFailure !== undefined) {
      throw new GitError({ argv: this.argv, stderr: `cannot run git: ${errorMessage(this.#spawnFailure)}`, cause: this.#spawnFailure });
    }
    if (!sub) throw new GitError({ argv: this.argv, aborted: true, stderr: "aborted before start" });
    try {
      return await this.#finish(sub, cwd);
    } finally {
      this.#ctx.registry.remove(this);
      this.#killer?.dispose();
    }
  }

  async #finish(sub: ResultPromise, cwd: string): Promise<GitResult> {
    const o = this.#options;
    const timeoutMs = o.timeoutMs ?? this.#ctx.defaultTimeoutMs;
    const timer = timeoutMs !== undefined && timeoutMs > 0 ? setTimeout(() => this.kill("timeout"), timeoutMs) : undefined;
    const onAbort = (): void => void this.kill("abort");
    o.signal?.addEventListener("abort", onAbort, { once: true });
    let res: Result;
    try {
      res = (await sub) as Result;
    } finally {
      if (timer) clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
    }
    const durationMs = Date.now() - this.startedAt;
    this.#onExit();
    this.#stderr.end();
    if (this.#killer === undefined) throw spawnError(this.argv, cwd, res, this.#ctx.gitBinary);

    const exitCode = res.exitCode;
    const signal = res.signal;
    const allowed = exitCode !== undefined && (exitCode === 0 || (o.allowExitCodes ?? []).includes(exitCode));
    const ok = allowed && signal === undefined && !res.isMaxBuffer;
    if (res.isMaxBuffer) this.#stderr.note(`gitmaint: stdout exceeded maxBuffer (${o.maxBuffer ?? DEFAULT_MAX_BUFFER})`);
    await this.#reapTree(ok);
    const timedOut = !ok && this.#cause === "timeout";
    const aborted = !ok && this.#cause === "abort";
    const how = timedOut ? "timed out" : aborted ? "aborted" : signal ? `killed by ${signal}` : res.isMaxBuffer ? "stdout over maxBuffer" : `exit code ${exitCode}`;
    const outcome = ok ? { cleaned: [], kept: [] } : await this.#cleanup(how);
    this.#ctx.bus?.emit("git.finished", {
      repo: o.repo?.id ?? "",
      at: Date.now(),
      runId: this.runId,
      pid: this.pid,
      argv: this.argv,
      owner: this.owner,
      exitCode,
      signal,
      durationMs,
      ok,
      timedOut,
      aborted,
      cleaned: outcome.cleaned,
      kept: outcome.kept.map((k) => k.path),
    });
    this.#ctx.registry.remove(this); // before settling: a caller's next live() must not list it
    const stderr = this.#stderr.text;
    if (!ok) throw new GitError({ argv: this.argv, exitCode, signal, stderr, timedOut, aborted });
    const out = res.stdout as unknown;
    const buffer = out instanceof Uint8Array ? Buffer.from(out.buffer, out.byteOffset, out.byteLength) : undefined;
    return {
      runId: this.runId,
      pid: this.pid,
      argv: this.argv,
      stdout: typeof out === "string" ? out : "",
      stdoutBuffer: buffer,
      stderr,
      exitCode: exitCode ?? 0,
      durationMs,
    };
  }

  /** Waits for a killed tree to die; a failed git's leftover children are killed too. */
  async #reapTree(ok: boolean): Promise<void> {
    const killer = this.#killer;
    if (!killer) return;
    try {
      if (!killer.requested && !ok && killer.hasStragglers()) killer.terminate();
      if (killer.requested) {
        const graceMs = this.#options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
        const dead = await killer.waitDead(graceMs + DEATH_WAIT_EXTRA_MS);
        if (!dead) this.#warn(`git ${this.argv.join(" ")} (pid ${this.pid}): some of its processes survived SIGKILL`);
      }
    } finally {
      killer.dispose();
    }
  }

  async #cleanup(how: string): Promise<CleanupOutcome> {
    const o = this.#options;
    const cleaner = this.#ctx.cleaner;
    if (!o.repo || o.cleanupOnFailure === false || !cleaner) return { cleaned: [], kept: [] };
    try {
      return await cleaner.clean({
        repo: o.repo,
        owner: this.owner,
        subcommand: subcommandOf(this.argv),
        pid: this.pid,
        startedAt: this.startedAt,
        how,
        pids: this.#killer?.pids ?? [this.pid],
      });
    } catch (error) {
      this.#warn(`cleanup after git ${subcommandOf(this.argv)} (pid ${this.pid}) failed: ${errorMessage(error)}`);
      return { cleaned: [], kept: [] };
    }
  }

  #progressLine(line: string, throttle: ProgressThrottle): void {
    const p = parseProgress(line);
    if (!p) return;
    try {
      this.#options.onProgress?.(p);
    } catch (error) {
      this.#warn(`onProgress threw: ${errorMessage(error)}`);
    }
    if (!this.#ctx.bus || !throttle.admit(p)) return;
    const { phase, percent, done, total } = p;
    this.#ctx.bus.emit("git.progress", {
      repo: this.#options.repo?.id ?? "",
      at: Date.now(),
      runId: this.runId,
      pid: this.pid,
      owner: this.owner,
      phase,
      percent,
      done,
      total,
    });
  }

  #warn(message: string): void {
    const repo = this.#options.repo?.id;
    this.#ctx.bus?.emit("log", { at: Date.now(), level: "warn", plugin: this.owner, message, ...(repo ? { repo } : {}) });
  }
}

function spawnError(argv: string[], cwd: string, res: Result, binary: string): Error {
  let cwdOk = false;
  try {
    cwdOk = statSync(cwd).isDirectory();
  } catch {
    cwdOk = false;
  }
  if (cwdOk && res.code === "ENOENT") {
    return new GitVersionError(`git not found (${binary}): install git >= 2.32`, { cause: res.cause });
  }
  const why = cwdOk ? (res.shortMessage ?? res.message ?? "spawn failed") : `no such directory: ${cwd}`;
  return new GitError({ argv, stderr: `cannot run git: ${why}`, cause: res.cause });
}

function endedStream(): PassThrough {
  const s = new PassThrough();
  s.end();
  return s;
}
