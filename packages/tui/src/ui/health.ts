/**
 * The one-word health verdict of a repository, with the reason behind it. Thresholds follow
 * git's own `gc --auto` defaults (gc.autoPackLimit 50, gc.auto 6700 loose objects), so the
 * verdict agrees with when git itself would start maintenance.
 */
import type { RepoStats } from "@gitmaint/core";
import { bytes } from "./format.js";

export type HealthWord = "ok" | "fair" | "poor" | "unknown";

export interface Health {
  word: HealthWord;
  reason: string;
}

/** gc.autoPackLimit default: more packs than this and lookups get slow. */
export const PACK_LIMIT = 50;
/** Below gc.autoPackLimit but worth a roll-up. */
export const PACK_WARN = 10;
/** gc.auto default. */
export const LOOSE_LIMIT = 6700;
/** Leaked temporary data worth a warning on its own. */
export const TMP_BYTES_POOR = 1024 ** 3;

/** Judges a repository from its latest stats; the first (worst) finding gives the reason. */
export function health(stats: RepoStats | undefined): Health {
  if (!stats) return { word: "unknown", reason: "waiting for the first stats" };
  const poor: string[] = [];
  const fair: string[] = [];
  if (stats.packs > PACK_LIMIT) poor.push(`${stats.packs} packs > gc.autoPackLimit ${PACK_LIMIT}`);
  else if (stats.packs > PACK_WARN) fair.push(`${stats.packs} packs`);
  if (stats.tmpBytes >= TMP_BYTES_POOR) poor.push(`${bytes(stats.tmpBytes)} of temporary files`);
  else if (stats.tmpFiles > 0) fair.push(`${stats.tmpFiles} tmp file${stats.tmpFiles === 1 ? "" : "s"} (${bytes(stats.tmpBytes)})`);
  if (stats.looseObjects > LOOSE_LIMIT) fair.push(`~${stats.looseObjects} loose objects > gc.auto ${LOOSE_LIMIT}`);
  if (stats.locks.length > 0) fair.push(`lock present: ${stats.locks.join(", ")}`);
  if (poor.length > 0) return { word: "poor", reason: [...poor, ...fair].join("; ") };
  if (fair.length > 0) return { word: "fair", reason: fair.join("; ") };
  return { word: "ok", reason: `${stats.packs} pack${stats.packs === 1 ? "" : "s"}, ~${stats.looseObjects} loose, no leftovers` };
}
