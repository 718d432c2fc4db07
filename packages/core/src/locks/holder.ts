/**
 * The content of a gitmaint lock file: one line of JSON naming its holder
 * `{ pid, startTicks, host, owner, acquiredAt }`. pid + startTicks (field 22 of
 * /proc/<pid>/stat) identify a process even after its pid is reused.
 */
import { readFile } from "node:fs/promises";
import type { LockHolder } from "./types.js";

/** Serializes a holder to the exact text written into a lock file. */
export function formatHolder(holder: LockHolder): string {
  return JSON.stringify(holder) + "\n";
}

/** Parses lock file text; undefined when it is empty or not a gitmaint holder (e.g. git's own lock). */
export function parseHolder(text: string): LockHolder | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!Number.isInteger(v["pid"]) || (v["pid"] as number) <= 0) return undefined;
  if (typeof v["host"] !== "string") return undefined;
  const ticks = v["startTicks"];
  return {
    pid: v["pid"] as number,
    startTicks: typeof ticks === "number" ? ticks : undefined,
    host: v["host"],
    owner: typeof v["owner"] === "string" ? v["owner"] : "unknown",
    acquiredAt: typeof v["acquiredAt"] === "number" ? v["acquiredAt"] : 0,
  };
}

/**
 * Reads the holder recorded in a lock file (gitmaint's, or git's `objects/maintenance.lock` when
 * gitmaint wrote it). Undefined when the file is missing, empty (git's own lock) or unparseable.
 */
export async function readLockHolder(path: string): Promise<LockHolder | undefined> {
  try {
    return parseHolder(await readFile(path, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR") return undefined;
    throw error;
  }
}

/** "gitmaint pid 123 (owner cruft-writer) on host since 12:00:01" style description. */
export function describeHolder(holder: LockHolder, localHost: string): string {
  const on = holder.host === localHost ? "" : ` on ${holder.host}`;
  const since = holder.acquiredAt > 0 ? ` since ${new Date(holder.acquiredAt).toISOString()}` : "";
  return `gitmaint pid ${holder.pid}${on} (owner ${holder.owner})${since}`;
}
