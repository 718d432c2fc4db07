/** `gitmaint plugins`: loaded plugins with state and source. */
import { parseCommandArgs } from "../cli/args.js";
import { println, printJson, type Io } from "../cli/io.js";
import { createEngine } from "../cli/setup.js";

export async function pluginsCommand(argv: string[], io: Io): Promise<number> {
  const values = parseCommandArgs<object>("plugins", argv, {});
  const engine = await createEngine(values, { watch: false });
  try {
    const list = engine.plugins();
    if (values.json) {
      printJson(io, list);
      return 0;
    }
    const width = Math.max(...list.map((p) => p.name.length), 4);
    for (const p of list)
      println(
        io.stdout,
        `${p.name.padEnd(width)}  ${p.state.padEnd(8)}  ${p.source.padEnd(10)}  ${p.description}${p.message && p.state !== "idle" ? ` (${p.message})` : ""}`,
      );
  } finally {
    await engine.shutdown();
  }
  return 0;
}
