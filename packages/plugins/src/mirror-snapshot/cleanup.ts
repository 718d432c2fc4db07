/** Removes the staging directories a dead gitmaint left beside a target, and journals each removal. */
import type { JournalEntry, ProcessTableApi } from "@gitmaint/core";
import { findStaleStaging, removeTree } from "./staging.js";

export interface CleanupServices {
  processes: ProcessTableApi;
  record(entry: Omit<JournalEntry, "at" | "pid" | "plugin">): Promise<void>;
  logger?: { info(message: string): void };
}

/** Returns the paths removed. */
export async function cleanStaleStaging(services: CleanupServices, repoId: string, target: string): Promise<string[]> {
  const removed: string[] = [];
  for (const stale of await findStaleStaging(target, services.processes)) {
    if (!(await removeTree(stale.path))) continue;
    removed.push(stale.path);
    await services.record({ repo: repoId, op: "delete", reason: `stale archive staging: ${stale.reason}`, details: { path: stale.path, pid: stale.pid } });
    services.logger?.info(`removed stale staging ${stale.path} (${stale.reason})`);
  }
  return removed;
}
