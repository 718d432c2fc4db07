/**
 * The `gitmaint` entry point: dispatches to a command, maps errors to exit codes (0 ok, 1 work
 * failed, 2 usage/config) and prints user errors as one line (stack only with GITMAINT_DEBUG=1).
 */
import { readFileSync } from "node:fs";
import type * as Core from "@gitmaint/core";
import { COMMAND_HELP, MAIN_HELP } from "./help.js";
import { processIo, println, type Io } from "./io.js";

type Command = (argv: string[], io: Io) => Promise<number>;
type CoreModule = typeof Core;

const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import("../commands/run.js")).runCommand,
  status: async () => (await import("../commands/status.js")).statusCommand,
  plugins: async () => (await import("../commands/plugins.js")).pluginsCommand,
  reap: async () => (await import("../commands/reap.js")).reapCommand,
  aggregate: async () => (await import("../commands/aggregate.js")).aggregateCommand,
  repack: async () => (await import("../commands/repack.js")).repackCommand,
  tui: async () => (await import("../commands/tui.js")).tuiCommand,
  fds: async () => (await import("../commands/fds.js")).fdsCommand,
  snapshot: async () => (await import("../commands/snapshot.js")).snapshotCommand,
  archive: async () => (await import("../commands/archive.js")).archiveCommand,
};

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    const topic = first === "help" ? rest[0] : undefined;
    io.stdout.write(topic && COMMAND_HELP[topic] ? COMMAND_HELP[topic] : MAIN_HELP);
    return first === undefined ? 2 : 0;
  }
  if (first === "-v" || first === "--version" || first === "version") {
    println(io.stdout, `gitmaint ${version()}`);
    return 0;
  }
  // @gitmaint/core (zod, execa, cosmiconfig, ...) is loaded only past this point: --help and
  // --version stay fast.
  const { UsageError, didYouMean } = await import("@gitmaint/core");
  try {
    const load = COMMANDS[first];
    if (!load) {
      const hint = didYouMean(first, Object.keys(COMMANDS));
      throw new UsageError(`unknown command "${first}"${hint ? ` (did you mean "${hint}"?)` : ""}; see gitmaint --help`);
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout.write(COMMAND_HELP[first] ?? MAIN_HELP);
      return 0;
    }
    const command = await load();
    return await command(rest, io);
  } catch (error) {
    return report(error, io, await import("@gitmaint/core"));
  }
}

function report(error: unknown, io: Io, core: CoreModule): number {
  const { GitmaintError, errorMessage, exitCodeOf } = core;
  const code = exitCodeOf(error);
  if (error instanceof GitmaintError) {
    println(io.stderr, `gitmaint: ${error.message}`);
    if (process.env.GITMAINT_DEBUG) println(io.stderr, error.stack ?? "");
  } else {
    // Not a user mistake: a bug. Say so, and show the stack only in debug mode.
    println(io.stderr, `gitmaint: internal error: ${errorMessage(error)}${process.env.GITMAINT_DEBUG ? "" : " (set GITMAINT_DEBUG=1 for details)"}`);
    if (process.env.GITMAINT_DEBUG && error instanceof Error) println(io.stderr, error.stack ?? "");
  }
  return code;
}
