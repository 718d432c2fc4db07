/** `gitmaint repack`: cruft-writer on demand. */
import { UsageError } from "@gitmaint/core";
import { parseCommandArgs } from "../cli/args.js";
import type { Io } from "../cli/io.js";
import { runPluginCommand } from "./plugin-run.js";

interface RepackValues {
  auto?: boolean;
  full?: boolean;
  geometric?: boolean;
  "dry-run"?: boolean;
}

export async function repackCommand(argv: string[], io: Io): Promise<number> {
  const values = parseCommandArgs<RepackValues>("repack", argv, {
    auto: { type: "boolean" },
    full: { type: "boolean" },
    geometric: { type: "boolean" },
    "dry-run": { type: "boolean" },
  });
  const modes = (["auto", "full", "geometric"] as const).filter((m) => values[m]);
  if (modes.length > 1) throw new UsageError(`gitmaint repack: choose one of --auto, --full, --geometric (got ${modes.map((m) => `--${m}`).join(" ")})`);
  return runPluginCommand(io, {
    plugin: "cruft-writer",
    values,
    dryRun: values["dry-run"] ?? false,
    args: { mode: modes[0] ?? "auto" },
    details: (data) => {
      const d = (data ?? {}) as { decision?: { action?: string; reasons?: string[] } };
      return d.decision ? [`decision: ${d.decision.action ?? "?"}`, ...(d.decision.reasons ?? []).map((r) => `  because ${r}`)] : [];
    },
  });
}
