/**
 * A cheap point-in-time summary of a repository's object store, run periodically for hundreds
 * of repositories: one readdir of objects/pack (plus a stat per pack), one sampled fan-out dir for
 * the loose-object estimate (as `git gc --auto` samples objects/17), and the tmp files and locks
 * of objects/pack and the top of the git dir. `exactLoose` counts all 256 fan-out dirs and scans
 * every place temporary files can live.
 */
import { lstat, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { parsePackFileName } from "./pack-files.js";
import { relTo, scanTemporaries, type ScanPlace } from "./tmp-scan.js";
import type { TmpScan } from "./tmpfiles-types.js";
import type { RepoStats } from "./types.js";
import type { Repository } from "./types.js";

export interface StatsOptions {
  /** Count loose objects in all 256 fan-out dirs and scan every tmp place (slower). */
  exactLoose?: boolean;
  signal?: AbortSignal;
  /**
   * A scan of every tmp place (`scanTemporaries` with all places) the caller already has: used
   * instead of scanning again, so tmp files, bytes and locks then cover all of it.
   */
  temporaries?: TmpScan;
}

/** The fan-out dir `git gc --auto` samples. */
const SAMPLE_DIR = "17";
const LOOSE_RE = /^(?:[0-9a-f]{38}|[0-9a-f]{62})$/;
const CHEAP_PLACES: readonly ScanPlace[] = ["pack", "gitdir"];

/** Collects RepoStats. Never throws for a missing or vanished repository (all zeros). */
export async function collectStats(repo: Repository, options: StatsOptions = {}): Promise<RepoStats> {
  const exact = options.exactLoose === true;
  const given = options.temporaries;
  const [packs, loose, tmp] = await Promise.all([
    packStats(repo.packDir),
    looseStats(repo.objectsDir, exact),
    given ?? scanTemporaries(repo, { signal: options.signal, ...(exact ? {} : { places: CHEAP_PLACES }) }),
  ]);
  let tmpFiles = tmp.entries.length;
  let tmpBytes = tmp.entries.reduce((n, e) => n + e.bytes, 0);
  const locks = tmp.entries.filter((e) => e.kind === "lock" || e.kind === "ref-lock").map((e) => e.rel);
  if (!exact && !given) {
    // objects/maintenance.lock matters (git skips all maintenance while it exists): one lstat.
    const path = join(repo.objectsDir, "maintenance.lock");
    const st = await lstat(path).catch(() => undefined);
    if (st) {
      tmpFiles += 1;
      tmpBytes += st.size;
      locks.push(relTo(repo, path));
    }
  }
  return {
    packs: packs.packs,
    packBytes: packs.packBytes,
    cruftPacks: packs.cruftPacks,
    keptPacks: packs.keptPacks,
    looseObjects: loose.count,
    looseExact: exact,
    tmpFiles,
    tmpBytes,
    locks: locks.sort(),
    sizeBytes: packs.packBytes + tmpBytes + loose.bytes,
  };
}

interface PackTotals {
  packs: number;
  /** Bytes of every counted pack's .pack and .idx (what `git count-objects` calls size-pack). */
  packBytes: number;
  cruftPacks: number;
  keptPacks: number;
}

async function packStats(packDir: string): Promise<PackTotals> {
  const totals: PackTotals = { packs: 0, packBytes: 0, cruftPacks: 0, keptPacks: 0 };
  const names = await readdir(packDir).catch(() => [] as string[]);
  const byHash = new Map<string, Set<string>>();
  for (const name of names) {
    const parsed = parsePackFileName(name);
    if (!parsed) continue;
    let exts = byHash.get(parsed.hash);
    if (!exts) byHash.set(parsed.hash, (exts = new Set()));
    exts.add(parsed.ext);
  }
  const sizes: Array<Promise<number>> = [];
  for (const [hash, exts] of byHash) {
    if (!exts.has("pack") || !exts.has("idx")) continue;
    totals.packs += 1;
    if (exts.has("mtimes")) totals.cruftPacks += 1;
    if (exts.has("keep")) totals.keptPacks += 1;
    sizes.push(sizeOf(join(packDir, `pack-${hash}.pack`)), sizeOf(join(packDir, `pack-${hash}.idx`)));
  }
  totals.packBytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
  return totals;
}

function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

/** Loose objects: exact over all 256 dirs, or objects/17 x 256 (bytes estimated the same way). */
async function looseStats(objectsDir: string, exact: boolean): Promise<{ count: number; bytes: number }> {
  const dirs = exact ? Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0")) : [SAMPLE_DIR];
  let count = 0;
  let bytes = 0;
  for (const sub of dirs) {
    const dir = join(objectsDir, sub);
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => LOOSE_RE.test(n));
    count += names.length;
    const sizes = await Promise.all(names.map((n) => sizeOf(join(dir, n))));
    bytes += sizes.reduce((a, b) => a + b, 0);
  }
  return exact ? { count, bytes } : { count: count * 256, bytes: bytes * 256 };
}
