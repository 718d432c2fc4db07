/**
 * Loose objects of a repository (`objects/xx/<rest>`), optionally only those written (mtime) at or
 * after a time: the objects that arrived since a repack started.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

const FANOUT_RE = /^[0-9a-f]{2}$/;
const REST_RE = /^[0-9a-f]{38}$|^[0-9a-f]{62}$/;

export interface LooseListing {
  oids: string[];
  /** Loose objects skipped because they are older than `since`. */
  older: number;
  /** More matched than `limit`: the rest waits. */
  truncated: boolean;
}

export async function listLoose(objectsDir: string, options: { since?: number; limit: number }): Promise<LooseListing> {
  const out: LooseListing = { oids: [], older: 0, truncated: false };
  const dirs = (await readdir(objectsDir).catch(() => [] as string[])).filter((d) => FANOUT_RE.test(d)).sort();
  for (const d of dirs) {
    const files = (await readdir(join(objectsDir, d)).catch(() => [] as string[])).filter((f) => REST_RE.test(f));
    if (files.length === 0) continue;
    const since = options.since;
    const fresh =
      since === undefined
        ? files
        : (
            await Promise.all(
              files.map(async (f) => {
                const st = await stat(join(objectsDir, d, f)).catch(() => undefined);
                return st !== undefined && st.mtimeMs >= since ? f : undefined;
              }),
            )
          ).filter((f): f is string => f !== undefined);
    out.older += files.length - fresh.length;
    for (const f of fresh) {
      if (out.oids.length >= options.limit) {
        out.truncated = true;
        return out;
      }
      out.oids.push(d + f);
    }
  }
  return out;
}
