/**
 * Taking over a stale lock file without two processes both winning.
 *
 * Removing a lock by name is dangerous: if A and B both judge the same stale file, A removes it
 * and creates its own, then B (late) would remove A's fresh lock. So a takeover happens under a
 * guard file named after the stale file's identity (dev, inode, mtime, size, content), created
 * atomically (EEXIST: someone else is taking this one over, so we lose this round). Holding the
 * guard, the taker re-checks that the lock path still has that identity, journals, renames it
 * aside, verifies the renamed file is the one judged stale (restoring it otherwise) and deletes
 * it. Only a guard holder removes a stale file, and a stale file's dead holder never will, so the
 * identity check under the guard cannot be invalidated.
 *
 * A guard left by a taker killed inside this short window is removed once its holder is dead
 * (the remaining race — two processes removing the same dead guard at the same instant — needs a
 * second crash inside a few microseconds and is accepted).
 */
import { randomBytes } from "node:crypto";
import { link, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { LockFileInfo } from "./lockfile.js";
import { createWithContent, inspectLockFile, removeIfContent } from "./lockfile.js";

export interface TakeoverRequest {
  /** The stale lock as judged. */
  info: LockFileInfo;
  /** Directory for the guard file (gitmaint's locks dir). */
  guardDir: string;
  /** Guard name prefix, e.g. "fetch" or "git-maintenance". */
  guardPrefix: string;
  /** Content of our guard (our holder JSON). */
  guardText: string;
  /** Whether an existing guard's holder is dead (so the guard may be cleared). */
  guardIsStale: (guard: LockFileInfo) => boolean;
  /** Called under the guard right before the stale file is removed (journal it here). */
  beforeRemove: () => Promise<void>;
}

/** "removed": we removed the stale file. "lost": someone else did or is doing it, or it changed. */
export type TakeoverResult = "removed" | "lost";

export async function takeOverStale(req: TakeoverRequest): Promise<TakeoverResult> {
  const { info } = req;
  const guard = join(req.guardDir, `${req.guardPrefix}.takeover-${info.identity}`);
  if (!(await createWithContent(guard, req.guardText))) {
    const existing = await inspectLockFile(guard);
    if (existing && req.guardIsStale(existing)) await removeExact(existing);
    return "lost";
  }
  try {
    const now = await inspectLockFile(info.path);
    if (!now || now.identity !== info.identity) return "lost";
    await req.beforeRemove();
    return (await removeExact(now)) ? "removed" : "lost";
  } finally {
    await removeIfContent(guard, req.guardText).catch(() => {});
  }
}

/**
 * Removes the file at `info.path` only if it is still the file `info` describes: rename aside
 * atomically, check the identity of what was moved, restore it if it was not that file.
 */
async function removeExact(info: LockFileInfo): Promise<boolean> {
  const aside = `${info.path}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await rename(info.path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  const moved = await inspectLockFile(aside);
  // a rename keeps dev, inode, mtime and content, so the identity (which ignores the name) holds
  if (!moved || moved.identity !== info.identity) {
    await link(aside, info.path).catch(() => {});
    await unlink(aside).catch(() => {});
    return false;
  }
  await unlink(aside);
  return true;
}
