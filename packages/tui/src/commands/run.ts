/**
 * `gitmaint run`: the headless daemon (or one pass with --once). Prints bus events as human lines
 * or JSON lines; SIGINT/SIGTERM shut down cleanly.
 */
import { errorMessage, type Engine, type EventType, type GitmaintEvents } from "@gitmaint/core";
import { parseCommandArgs } from "../cli/args.js";
import { eventLine } from "../cli/event-line.js";
import { println, printJson, type Io } from "../cli/io.js";
import { createEngine } from "../cli/setup.js";

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
  const engine = await createEngine(values, { watch: !values.once, subscribe: (bus) => bus.onAny(print) });
  if (values.once) return runOnce(engine, io, json);
  return daemon(engine, io, json);
}

async function runOnce(engine: Engine, io: Io, json: boolean): Promise<number> {
  let failed = 0;
  try {
    for (const plugin of engine.plugins()) {
      if (!plugin.enabled || !plugin.hasRun || plugin.state === "disabled") continue;
      for (const repo of engine.repos()) {
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
  return failed > 0 ? 1 : 0;
}

async function daemon(engine: Engine, io: Io, json: boolean): Promise<number> {
  if (!json)
    println(io.stdout, `gitmaint: watching ${engine.repos().length} repositories with ${engine.plugins().filter((p) => p.enabled).length} plugins (Ctrl-C to stop)`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (s: NodeJS.Signals): void => resolve(s);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  if (!json) println(io.stdout, `gitmaint: ${signal}: shutting down`);
  await engine.shutdown();
  if (!json) println(io.stdout, "gitmaint: stopped");
  return 0;
}
