/** The human lines and the `--json` data of a pass. */
import type { RunResult } from "@gitmaint/core";
import { formatBytes } from "@gitmaint/core";
import type { PassResult } from "./pass.js";

/** "reaped 3 files (2.1 MB), kept 1" (or "would reap ..." in a dry run). */
export function passSummary(r: PassResult): string {
  const bytes = r.dryRun ? r.deleted.reduce((s, d) => s + d.bytes, 0) : r.bytesFreed;
  const verb = r.dryRun ? "would reap" : "reaped";
  const files = r.deleted.length === 1 ? "1 file" : `${r.deleted.length} files`;
  const parts = [`${verb} ${files} (${formatBytes(bytes)})`, `kept ${r.kept.length}`];
  if (r.problems.length > 0) parts.push(`${r.problems.length} problem${r.problems.length === 1 ? "" : "s"}`);
  let line = parts.join(", ");
  if (r.ageOnly) line += ` [${r.ageOnly}: age-only rule]`;
  return line;
}

/** The `gitmaint reap --json` shape: paths relative to the git dir. */
export function passData(r: PassResult): Record<string, unknown> {
  return {
    deleted: r.deleted,
    kept: r.kept,
    bytesFreed: r.bytesFreed,
    problems: r.problems,
    dryRun: r.dryRun,
    ...(r.ageOnly ? { ageOnly: r.ageOnly } : {}),
  };
}

/** A RunResult for `run`. */
export function runResult(r: PassResult): RunResult {
  return { summary: passSummary(r), data: passData(r) };
}

/** The `action` message of a pass that deleted something: "reaped N files, X MB". */
export function reapedMessage(r: PassResult): string {
  return `reaped ${r.deleted.length} file${r.deleted.length === 1 ? "" : "s"}, ${formatBytes(r.bytesFreed)}`;
}
