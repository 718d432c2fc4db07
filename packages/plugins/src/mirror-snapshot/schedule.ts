/**
 * Daemon side (off by default): every `scheduleMs`, archive each watched repository into
 * `dir/<name>-<timestamp>.tar` and keep the newest `keep` per repository; older archives (and
 * their sidecars) are removed and journalled. A busy repository is skipped until the next round.
 */
import { readdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Repository } from "@gitmaint/core";
import { ArchiveError } from "./errors.js";
import { sidecarOf } from "./publish.js";
import { takeSnapshot, type SnapshotContext, type SnapshotResult } from "./snapshot.js";

/** File-name-safe id of a repository for scheduled archives. */
export function archivePrefix(repo: Repository): string {
  return repo.name.replace(/[^A-Za-z0-9._-]/g, "_");
}

function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[-:]/g, "");
}

/** Archives one repository into `dir` and prunes old ones. */
export async function scheduledSnapshot(ctx: SnapshotContext, repo: Repository, dir: string, signal: AbortSignal): Promise<SnapshotResult | undefined> {
  const prefix = archivePrefix(repo);
  let result: SnapshotResult;
  try {
    result = await takeSnapshot(ctx, repo, { out: join(dir, `${prefix}-${stamp(Date.now())}.tar`), allowEmpty: false, signal });
  } catch (error) {
    if (error instanceof ArchiveError && error.failure === "skipped") {
      ctx.logger.info(`${repo.name}: ${error.message}`);
      return undefined;
    }
    throw error;
  }
  const pattern = new RegExp(`^${prefix.replace(/[.]/g, "\\.")}-\\d{8}T\\d{6}\\.\\d{3}Z\\.tar$`);
  const archives = (await readdir(dir)).filter((n) => pattern.test(n)).sort();
  for (const name of archives.slice(0, Math.max(0, archives.length - ctx.options.keep))) {
    const path = join(dir, name);
    await unlink(path);
    await unlink(sidecarOf(path)).catch(() => undefined);
    await ctx.record({ repo: repo.id, op: "delete", reason: `archive rotated out (keep ${ctx.options.keep})`, details: { path } });
  }
  return result;
}
