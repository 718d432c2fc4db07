/**
 * `gitmaint run`: the headless daemon (or one pass with --once). Prints bus events as human lines
 * or JSON lines; SIGINT/SIGTERM shut down cleanly.
 */
import { errorMessage, type Engine, type EventType, type GitmaintEvents } from "@gitmaint/core";
import { parseCommandArgs } from "../cli/args.js";
import { eventLine } from "../cli/event-line.js";
import { println, printJson, type Io } from "../cli/io.js";
import { createEngine } from "../cli/setup.js";
import { onStopSignal, type StopSignal } from "../cli/signals.js";

interface RunValues {
  once?: boolean;
  verbose?: boolean;
}

export async function runCommand(argv: string[], io: Io): Promise<number> {
  const values = parseCommandArgs<RunValues>("run", argv, { once: { type: "boolean" }, verbose: { type: "boolean" } });
  const json = values.json ?? false;
  const names = new Map<string, string>();
  const print = <K extends EventType>(type: K, event: GitmaintEvents[K]): void => {
    if (type === "repo.added") names.set((event as GitmaintEvents["repo.added"]).repo, (event as GitmaintEvents["repo.added"]).name);
    if (json) return printJson(io, { type, ...event });
    const line = eventLine(type, event, names, values.verbose ?? false);
    if (line) println(io.stdout, line);
  };
  // before anything starts: a signal during start-up must still shut down cleanly
  let engine: Engine | undefined;
  const stop = onStopSignal((signal) => {
    if (!json) println(io.stdout, `gitmaint: ${signal}: shutting down`);
    // aborts running plugin work (a --once pass) and kills our git children
    void engine?.shutdown();
  });
  try {
    engine = await createEngine(values, { watch: !values.once, subscribe: (bus) => bus.onAny(print) });
    if (stop.signal) {
      await engine.shutdown();
      return values.once ? 1 : 0;
    }
    if (values.once) return await runOnce(engine, io, json, stop);
    return await daemon(engine, io, json, stop);
  } finally {
    stop.dispose();
  }
}

async function runOnce(engine: Engine, io: Io, json: boolean, stop: StopSignal): Promise<number> {
  let failed = 0;
  try {
    for (const plugin of engine.plugins()) {
      if (!plugin.enabled || !plugin.hasRun || plugin.state === "disabled") continue;
      for (const repo of engine.repos()) {
        if (stop.signal) return 1; // interrupted: the pass did not finish
        try {
          const result = await engine.runPlugin(plugin.name, repo.id, { trigger: "once" });
          const summary = result?.summary ?? "done";
          if (json) printJson(io, { type: "run.result", plugin: plugin.name, repo: repo.id, ok: true, summary, data: result?.data });
          else println(io.stdout, `${plugin.name} ${repo.name}: ${summary}`);
        } catch (error) {
          failed++;
          if (json) printJson(io, { type: "run.result", plugin: plugin.name, repo: repo.id, ok: false, error: errorMessage(error) });
          else println(io.stderr, `${plugin.name} ${repo.name}: FAILED: ${errorMessage(error)}`);
        }
      }
    }
  } finally {
    await engine.shutdown();
  }
  return failed > 0 || stop.signal ? 1 : 0; // an interrupted pass did not finish
}

async function daemon(engine: Engine, io: Io, json: boolean, stop: StopSignal): Promise<number> {
  if (!json)
    println(io.stdout, `gitmaint: watching ${engine.repos().length} repositories with ${engine.plugins().filter((p) => p.enabled).length} plugins (Ctrl-C to stop)`);
  await stop.received;
  await engine.shutdown();
  if (!json) println(io.stdout, "gitmaint: stopped");
  return 0;
}
