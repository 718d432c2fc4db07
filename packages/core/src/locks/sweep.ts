/**
 * Cleans up what a gitmaint process killed inside a lock operation can leave behind (invariant
 * 7): `.gitmaint-tmp-<pid>-*` content files (between write and link), `*.stale-<pid>-*` files
 * (between the rename-aside and the unlink of a takeover) and `*.takeover-<id>` guards. Each is
 * removed only when the process that made it is dead. Best effort: errors are ignored.
 */
import { readdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { ProcessTableApi } from "../process/types.js";
import { inspectLockFile, removeIfContent } from "./lockfile.js";

const PID_NAMED = /^\.gitmaint-tmp-(\d+)-[0-9a-f]+$|\.stale-(\d+)-[0-9a-f]+$/;
const GUARD = /\.takeover-[0-9a-f]{16}$/;

/** Records a removal before it happens (invariant 6); a failure to record cancels the removal. */
export type RecordRemoval = (path: string, reason: string) => Promise<void>;

/** Removes leftovers of dead gitmaint processes from `dir`. Returns the names removed. */
export async function sweepLeftovers(dir: string, processes: ProcessTableApi, record?: RecordRemoval): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    try {
      const m = PID_NAMED.exec(name);
      if (m) {
        const pid = Number(m[1] ?? m[2]);
        if (pid !== process.pid && !processes.isAlive(pid)) {
          await record?.(join(dir, name), `leftover of a lock operation of dead gitmaint pid ${pid}`);
          await unlink(join(dir, name));
          removed.push(name);
        }
      } else if (GUARD.test(name)) {
        const info = await inspectLockFile(join(dir, name));
        const pid = info?.holder?.pid;
        if (info && pid !== undefined && pid !== process.pid && !processes.isAlive(pid)) {
          await record?.(info.path, `takeover guard of dead gitmaint pid ${pid}`);
          if (await removeIfContent(info.path, info.text)) removed.push(name);
        }
      }
    } catch {
      // vanished meanwhile, or not ours to judge: leave it
    }
  }
  return removed;
}
