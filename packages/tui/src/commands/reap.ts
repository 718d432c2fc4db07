/** `gitmaint reap`: tmp-pack-reaper on demand. */
import { parseCommandArgs } from "../cli/args.js";
import { parseDuration } from "../cli/duration.js";
import { formatBytes } from "../cli/format.js";
import type { Io } from "../cli/io.js";
import { runPluginCommand } from "./plugin-run.js";

interface ReapData {
  deleted?: Array<{ path: string; bytes: number; reason: string }>;
  kept?: Array<{ path: string; reason: string }>;
}

export async function reapCommand(argv: string[], io: Io): Promise<number> {
  const values = parseCommandArgs<{ "dry-run"?: boolean; "min-age"?: string }>("reap", argv, {
    "dry-run": { type: "boolean" },
    "min-age": { type: "string" },
  });
  const args: Record<string, unknown> = {};
  if (values["min-age"] !== undefined) args.minAgeMs = parseDuration(values["min-age"], "--min-age");
  return runPluginCommand(io, {
    plugin: "tmp-pack-reaper",
    values,
    dryRun: values["dry-run"] ?? false,
    args,
    details: (data) => {
      const d = (data ?? {}) as ReapData;
      return [
        ...(d.deleted ?? []).map((x) => `deleted ${x.path} (${formatBytes(x.bytes)}): ${x.reason}`),
        ...(d.kept ?? []).map((x) => `kept ${x.path}: ${x.reason}`),
      ];
    },
  });
}
