/**
 * Removes the staging directories a dead gitmaint left beside a target, journalling each removal
 * BEFORE it happens (a failed journal write removes nothing). Directories that only look like a
 * staging (no valid owner file) are reported (logger warning and a journal note) and kept.
 */
import type { JournalEntry, ProcessTableApi } from "@gitmaint/core";
import { findStaleStaging, removeTree } from "./staging.js";

export interface CleanupServices {
  processes: ProcessTableApi;
  record(entry: Omit<JournalEntry, "at" | "pid" | "plugin">): Promise<void>;
  logger?: { info(message: string): void; warn?(message: string): void };
}

/** What cleanStaleStaging did: the paths removed and the look-alike paths kept. */
export interface CleanupResult {
  removed: string[];
  kept: string[];
}

export async function cleanStaleStaging(services: CleanupServices, repoId: string, target: string): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], kept: [] };
  const scan = await findStaleStaging(target, services.processes);
  for (const stale of scan.stale) {
    await services.record({ repo: repoId, op: "delete", reason: `stale archive staging: ${stale.reason}`, details: { path: stale.path, pid: stale.pid } });
    if (!(await removeTree(stale.path))) continue;
    result.removed.push(stale.path);
    services.logger?.info(`removed stale staging ${stale.path} (${stale.reason})`);
  }
  for (const foreign of scan.foreign) {
    result.kept.push(foreign.path);
    await services.record({ repo: repoId, op: "note", reason: `kept ${foreign.path}: ${foreign.reason}`, details: { path: foreign.path, pid: foreign.pid } });
    services.logger?.warn?.(`kept ${foreign.path}: ${foreign.reason}; remove it yourself if it is not needed`);
  }
  return result;
}
