import { UsageError } from "@gitmaint/core";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses "500ms", "30s", "2m", "1h", "7d", "2w" (or a plain number of ms) into milliseconds. */
export function parseDuration(text: string, what = "duration"): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/i.exec(text);
  if (!m) throw new UsageError(`invalid ${what} "${text}" (use e.g. 500ms, 30s, 2m, 1h, 7d)`);
  const value = Number(m[1]);
  const unit = (m[2] ?? "ms").toLowerCase();
  return Math.round(value * (UNITS[unit] ?? 1));
}
