/** `gitmaint tui`: the same engine as `run`, rendered with Ink. */
import { parseCommandArgs } from "../cli/args.js";
import type { Io } from "../cli/io.js";
import { createEngine } from "../cli/setup.js";

export async function tuiCommand(argv: string[], io: Io): Promise<number> {
  const values = parseCommandArgs<{ "log-file"?: string }>("tui", argv, { "log-file": { type: "string" } });
  // Refuse before starting anything when there is no terminal.
  const { runTui, NON_TTY_MESSAGE } = await import("../ui/index.js");
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    io.stderr.write(NON_TTY_MESSAGE);
    return 2;
  }
  const engine = await createEngine(values, { watch: true });
  return runTui(engine, values["log-file"] ? { logFile: values["log-file"] } : {});
}
