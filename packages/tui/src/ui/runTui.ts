/**
 * `runTui(engine)`: renders the Engine in the terminal until the user quits, then shuts the
 * engine down — `q`, ctrl-c, SIGTERM, SIGINT and SIGHUP all take the same clean path as SIGTERM
 * in `gitmaint run` (`engine.shutdown()`: abort plugins, wait for running work, kill our git
 * children, dispose in reverse order). runTui owns the engine's shutdown on every path, the
 * non-TTY refusal included: the caller must not call `engine.shutdown()` again (it is harmless
 * if it does, but the exit code comes from here).
 */
// must stay the first import: React/Ink read NODE_ENV and CI when they load
import "./productionEnv.js";
import type { EngineApi } from "@gitmaint/core";
import { errorMessage } from "@gitmaint/core";
import { render } from "ink";
import { createElement } from "react";
import { App } from "./App.js";
import { FrameLatency, startBenchEmitter } from "./benchEmitter.js";
import { captureConsole } from "./consoleCapture.js";
import { openLogSink, type LogSink } from "./logSink.js";
import { noColorRequested, ThemeContext, themeFor } from "./theme.js";

export interface RunTuiOptions {
  /** Default process.stdout. Must be a TTY. */
  stdout?: NodeJS.WriteStream;
  /** Default process.stdin. Must be a TTY. */
  stdin?: NodeJS.ReadStream;
  /** Where refusals and fatal errors go after the screen is released. Default process.stderr. */
  stderr?: NodeJS.WriteStream;
  /** Append every log and action event (debug included) and captured console output here. */
  logFile?: string;
  /** Environment (NO_COLOR, GITMAINT_TUI_BENCH*). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Install SIGTERM/SIGINT/SIGHUP handlers that quit cleanly (default true). */
  handleSignals?: boolean;
  /** Redirect console.* and a terminal stderr to the Activity stream while running (default true). */
  captureOutput?: boolean;
}

/** Printed (to stderr) when the terminal is not interactive. */
export const NON_TTY_MESSAGE = "gitmaint tui needs a terminal; use `gitmaint run` for headless operation\n";

/** Exit codes: 0 clean quit, 1 the shutdown or the UI failed, 2 not a terminal. */
export async function runTui(engine: EngineApi, options: RunTuiOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  if (!stdout.isTTY || !stdin.isTTY) {
    stderr.write(NON_TTY_MESSAGE);
    await shutdownQuietly(engine);
    return 2;
  }

  const sink: LogSink | undefined = options.logFile ? openLogSink(engine.bus, options.logFile) : undefined;
  const restoreConsole =
    options.captureOutput === false ? () => {} : captureConsole(engine.bus, stderr.isTTY && stderr !== stdout ? stderr : undefined);

  const benchRate = Number(env["GITMAINT_TUI_BENCH"] ?? "");
  const bench = Number.isFinite(benchRate) && benchRate > 0 ? new FrameLatency() : undefined;
  const firstRepo = engine.repos()[0];
  const offBench = bench ? engine.bus.onAny((_type, event) => bench.received(event.at)) : () => {};
  const stopEmitter = bench && firstRepo ? startBenchEmitter(engine.bus, firstRepo.id, benchRate) : () => {};

  let quit: () => void = () => {};
  const quitRequested = new Promise<void>((resolve) => (quit = resolve));
  const signals: NodeJS.Signals[] = options.handleSignals === false ? [] : ["SIGTERM", "SIGINT", "SIGHUP"];
  const onSignal = (): void => quit();
  for (const s of signals) process.on(s, onSignal);

  const app = createElement(
    ThemeContext.Provider,
    { value: themeFor(noColorRequested(env)) },
    createElement(App, { engine, onQuit: () => quit(), onBatch: bench ? () => bench.batch() : undefined }),
  );
  const instance = render(app, {
    stdout,
    stdin,
    stderr,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 30,
    onRender: bench ? () => bench.frame() : undefined,
  });

  let code = 0;
  let failure: string | undefined;
  const crashed = instance.waitUntilExit().then(
    () => "exited" as const,
    (error: unknown) => {
      failure = `gitmaint tui: ${errorMessage(error)}`;
      return "crashed" as const;
    },
  );
  const how = await Promise.race([quitRequested.then(() => "quit" as const), crashed]);
  stopEmitter();
  offBench();
  if (how === "crashed") code = 1;
  try {
    await engine.shutdown();
  } catch (error) {
    code = 1;
    failure = `gitmaint tui: shutdown failed: ${errorMessage(error)}`;
  }
  instance.unmount();
  await crashed;
  for (const s of signals) process.off(s, onSignal);
  restoreConsole();
  await sink?.close();
  const out = env["GITMAINT_TUI_BENCH_OUT"];
  if (bench && out) bench.write(out);
  if (failure) stderr.write(`${failure}\n`);
  return code;
}

async function shutdownQuietly(engine: EngineApi): Promise<void> {
  try {
    await engine.shutdown();
  } catch {
    // the refusal is what the user needs to see
  }
}
