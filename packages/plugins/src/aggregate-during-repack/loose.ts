/**
 * Loose objects of a repository (`objects/xx/<rest>`), optionally only those written (mtime) at or
 * after a time: the objects that arrived since a repack started.
 */
import { readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { idxObjectIds } from "./pack-dir.js";

const FANOUT_RE = /^[0-9a-f]{2}$/;
const REST_RE = /^[0-9a-f]{38}$|^[0-9a-f]{62}$/;

export interface LooseListing {
  oids: string[];
  /** Bytes of the listed objects, when they were stat'ed (only with `since`). */
  bytes?: number;
  /** Loose objects skipped because they are older than `since`. */
  older: number;
  /** More matched than `limit`: the rest waits. */
  truncated: boolean;
}

export async function listLoose(objectsDir: string, options: { since?: number; limit: number }): Promise<LooseListing> {
  const since = options.since;
  const out: LooseListing = { oids: [], older: 0, truncated: false, ...(since === undefined ? {} : { bytes: 0 }) };
  const dirs = (await readdir(objectsDir).catch(() => [] as string[])).filter((d) => FANOUT_RE.test(d)).sort();
  for (const d of dirs) {
    const files = (await readdir(join(objectsDir, d)).catch(() => [] as string[])).filter((f) => REST_RE.test(f));
    if (files.length === 0) continue;
    const fresh: { f: string; size: number }[] =
      since === undefined
        ? files.map((f) => ({ f, size: 0 }))
        : (
            await Promise.all(
              files.map(async (f) => {
                const st = await stat(join(objectsDir, d, f)).catch(() => undefined);
                return st !== undefined && st.mtimeMs >= since ? { f, size: st.size } : undefined;
              }),
            )
          ).filter((x) => x !== undefined);
    out.older += files.length - fresh.length;
    for (const { f, size } of fresh) {
      if (out.oids.length >= options.limit) {
        out.truncated = true;
        return out;
      }
      out.oids.push(d + f);
      if (out.bytes !== undefined) out.bytes += size;
    }
  }
  return out;
}

/** Loose objects deleted per journal entry (the entry names each one). */
export const LOOSE_DELETE_BATCH = 1000;

/**
 * Deletes the loose objects just packed, each only if the installed pack's `.idx` lists it. This is
 * what `git prune-packed` does, restricted to our own list and without removing emptied fan-out
 * directories: prune-packed's rmdir races concurrent writers (`hash-object`, `unpack-objects`: "unable
 * to create temporary file"), which a test here hit within seconds at a 5 s cycle. Each batch of
 * object ids is passed to `journal` before any of them is deleted.
 */
export async function removePackedLoose(objectsDir: string, idxPath: string, oids: readonly string[], journal: (batch: string[]) => Promise<void>): Promise<number> {
  const inPack = new Set(await idxObjectIds(idxPath));
  const doomed = oids.filter((oid) => inPack.has(oid));
  let n = 0;
  for (let i = 0; i < doomed.length; i += LOOSE_DELETE_BATCH) {
    const batch = doomed.slice(i, i + LOOSE_DELETE_BATCH);
    await journal(batch);
    for (const oid of batch) {
      try {
        await unlink(join(objectsDir, oid.slice(0, 2), oid.slice(2)));
        n++;
      } catch {
        // already gone (a concurrent prune-packed or repack -d)
      }
    }
  }
  return n;
}
