/** Lines of the result view after a (dry) run: the summary, the actions it reported, its data. */
import type { ActionEvent, RunResult } from "@gitmaint/core";
import { bytes } from "./format.js";

/** At most this many lines of a result's JSON data are shown. */
export const MAX_DATA_LINES = 200;

export function resultLines(result: RunResult | void, actions: readonly ActionEvent[]): string[] {
  const lines = [result?.summary ?? "done (no summary)"];
  if (actions.length > 0) {
    lines.push("", "actions:");
    for (const a of actions) {
      lines.push(`  ${a.kind}: ${a.message}${a.bytes !== undefined ? ` (${bytes(a.bytes)})` : ""}`);
      for (const p of a.paths ?? []) lines.push(`    ${p}`);
    }
  }
  if (result?.data !== undefined) {
    let json: string;
    try {
      json = JSON.stringify(result.data, null, 2) ?? "";
    } catch {
      json = String(result.data);
    }
    const dataLines = json.split("\n");
    lines.push("", "data:", ...dataLines.slice(0, MAX_DATA_LINES).map((l) => `  ${l}`));
    if (dataLines.length > MAX_DATA_LINES) lines.push(`  … ${dataLines.length - MAX_DATA_LINES} more lines`);
  }
  return lines;
}
