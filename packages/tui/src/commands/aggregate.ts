/** `gitmaint aggregate`: aggregate-during-repack's standalone cheap pass on demand. */
import { parseCommandArgs } from "../cli/args.js";
import { formatBytes } from "../cli/format.js";
import type { Io } from "../cli/io.js";
import { runPluginCommand } from "./plugin-run.js";

interface AggregateData {
  looseObjects?: number;
  inputs?: string[];
  output?: string;
  deleted?: string[];
  kept?: Array<{ hash: string; why: string }>;
  bytesWritten?: number;
  stopped?: string;
}

export async function aggregateCommand(argv: string[], io: Io): Promise<number> {
  const values = parseCommandArgs<{ "dry-run"?: boolean }>("aggregate", argv, {
    "dry-run": { type: "boolean" },
  });
  return runPluginCommand(io, {
    plugin: "aggregate-during-repack",
    values,
    dryRun: values["dry-run"] ?? false,
    args: { mode: "pass" },
    details: (data) => {
      const d = (data ?? {}) as AggregateData;
      return [
        ...(d.output ? [`wrote pack-${d.output} (${formatBytes(d.bytesWritten ?? 0)}, no delta search)`] : []),
        ...(d.inputs ?? []).filter((h) => !d.deleted || d.deleted.includes(h)).map((h) => `${d.deleted ? "rolled up" : "would roll up"} pack-${h}`),
        ...(d.kept ?? []).map((k) => `kept pack-${k.hash}: ${k.why}`),
        ...(d.stopped ? [`stopped: ${d.stopped}`] : []),
      ];
    },
  });
}
