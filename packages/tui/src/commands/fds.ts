/** `gitmaint fds`: fd-leak-guard on demand: descriptor counts and deleted packs held open. */
import { parseCommandArgs } from "../cli/args.js";
import { formatBytes } from "../cli/format.js";
import type { Io } from "../cli/io.js";
import { runPluginCommand } from "./plugin-run.js";

interface FdsData {
  processes?: Array<{ pid: number; name: string; fds: number; limit?: number; perHour: number }>;
  deleted?: Array<{ pid: number; argv: string[]; path: string; bytes: number }>;
}

export async function fdsCommand(argv: string[], io: Io): Promise<number> {
  const values = parseCommandArgs<object>("fds", argv, {});
  return runPluginCommand(io, {
    plugin: "fd-leak-guard",
    values,
    dryRun: false,
    args: {},
    details: (data) => {
      const d = (data ?? {}) as FdsData;
      return [
        ...(d.processes ?? []).map((p) => `pid ${p.pid} ${p.name}: ${p.fds} fds${p.limit ? ` of ${p.limit}` : ""}`),
        ...(d.deleted ?? []).map((h) => `pid ${h.pid} (${h.argv.slice(0, 3).join(" ")}) holds deleted ${h.path} (${formatBytes(h.bytes)})`),
      ];
    },
  });
}
