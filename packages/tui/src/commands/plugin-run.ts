/**
 * Runs one plugin's `run` over the selected repositories and prints its result: shared by the
 * commands that are a plugin's on-demand action (`reap`, `repack`, ...).
 */
import { errorMessage } from "@gitmaint/core";
import type { GlobalValues } from "../cli/args.js";
import { println, printJson, type Io } from "../cli/io.js";
import { createEngine } from "../cli/setup.js";
import { onStopSignal } from "../cli/signals.js";

export interface PluginRunRequest {
  plugin: string;
  values: GlobalValues;
  dryRun: boolean;
  args: Record<string, unknown>;
  /** Extra human lines from the result data. */
  details?: (data: unknown) => string[];
}

export async function runPluginCommand(io: Io, request: PluginRunRequest): Promise<number> {
  // Ctrl-C / SIGTERM: abort the plugin's work and kill our git children (they run in their own
  // process groups, so the terminal's SIGINT never reaches them), removing what they left.
  let engine: Awaited<ReturnType<typeof createEngine>> | undefined;
  const stop = onStopSignal((signal) => {
    println(io.stderr, `gitmaint: ${signal}: stopping`);
    void engine?.shutdown();
  });
  let failed = 0;
  try {
    engine = await createEngine(request.values, { watch: false });
    for (const repo of engine.repos()) {
      if (stop.signal) return 1;
      try {
        const result = await engine.runPlugin(request.plugin, repo.id, { dryRun: request.dryRun, args: request.args, trigger: "cli" });
        if (request.values.json) printJson(io, { repo: repo.id, ...(asObject(result?.data) ?? { summary: result?.summary }) });
        else {
          println(io.stdout, `${repo.name}: ${request.dryRun ? "(dry run) " : ""}${result?.summary ?? "done"}`);
          for (const line of request.details?.(result?.data) ?? []) println(io.stdout, `  ${line}`);
        }
      } catch (error) {
        failed++;
        if (request.values.json) printJson(io, { repo: repo.id, error: errorMessage(error) });
        else println(io.stderr, `gitmaint: ${repo.name}: ${errorMessage(error)}`);
      }
    }
  } finally {
    stop.dispose();
    await engine?.shutdown();
  }
  return failed > 0 || stop.signal ? 1 : 0;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
