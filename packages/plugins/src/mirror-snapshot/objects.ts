/**
 * Step 2 of an archive: the object store, taken after the refs. Objects are only ever added (a
 * repack writes its new pack before it deletes the old ones; prune-packed deletes a loose object
 * only once a pack holds it), so every object a captured ref reaches is present now. Order:
 * loose objects first, then packs, rescanning the pack directory whenever a pack vanished under
 * us. Files are hard-linked when possible (packs and loose objects are immutable: same bytes,
 * no copy), copied otherwise. Only `.pack`, `.idx` and `.rev` are taken; bitmaps, `.mtimes`,
 * `.keep`, multi-pack-index and commit-graph are optional accelerators git rebuilds.
 */
import { copyFile, link, mkdir, readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { AbortError } from "@gitmaint/core";

export interface CopyStats {
  loose: number;
  packs: number;
  bytes: number;
  /** Files hard-linked (the rest were copied). */
  linked: number;
  /** Pack-directory scans (more than 1 when packs vanished under us). */
  scans: number;
}

const LOOSE_DIR = /^[0-9a-f]{2}$/;
const LOOSE_NAME = /^[0-9a-f]{38}([0-9a-f]{24})?$/;
const PACK_IDX = /^(pack-[0-9a-f]{40}([0-9a-f]{24})?)\.idx$/;
const MAX_SCANS = 20;

/** Links (or copies) `src` to `dst`. False when `src` vanished. */
async function place(src: string, dst: string, stats: CopyStats): Promise<boolean> {
  try {
    await link(src, dst);
    stats.linked++;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return false;
    if (code !== "EXDEV" && code !== "EPERM" && code !== "EMLINK" && code !== "EACCES") throw error;
    try {
      await copyFile(src, dst);
    } catch (copyError) {
      if ((copyError as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw copyError;
    }
  }
  stats.bytes += (await stat(dst)).size;
  return true;
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

function checkAbort(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortError("archive aborted");
}

/** Copies the object store `srcObjects` into `dstObjects` (an initialised bare repo's objects/). */
export async function copyObjects(srcObjects: string, dstObjects: string, signal: AbortSignal): Promise<CopyStats> {
  const stats: CopyStats = { loose: 0, packs: 0, bytes: 0, linked: 0, scans: 0 };
  for (const dir of (await names(srcObjects)).filter((n) => LOOSE_DIR.test(n))) {
    checkAbort(signal);
    const entries = (await names(join(srcObjects, dir))).filter((n) => LOOSE_NAME.test(n));
    if (entries.length === 0) continue;
    await mkdir(join(dstObjects, dir), { recursive: true });
    for (const name of entries) if (await place(join(srcObjects, dir, name), join(dstObjects, dir, name), stats)) stats.loose++;
  }
  const srcPack = join(srcObjects, "pack");
  const dstPack = join(dstObjects, "pack");
  await mkdir(dstPack, { recursive: true });
  const taken = new Set<string>();
  for (;;) {
    checkAbort(signal);
    if (++stats.scans > MAX_SCANS) throw new Error(`packs kept vanishing under ${srcPack} (${MAX_SCANS} scans)`);
    let vanished = false;
    for (const entry of await names(srcPack)) {
      const base = PACK_IDX.exec(entry)?.[1];
      if (!base || taken.has(base)) continue;
      // The .pack is renamed into place before its .idx: an .idx means a complete pack.
      if (!(await place(join(srcPack, `${base}.pack`), join(dstPack, `${base}.pack`), stats))) {
        vanished = true;
        continue;
      }
      if (!(await place(join(srcPack, `${base}.idx`), join(dstPack, `${base}.idx`), stats))) {
        await unlink(join(dstPack, `${base}.pack`));
        vanished = true;
        continue;
      }
      await place(join(srcPack, `${base}.rev`), join(dstPack, `${base}.rev`), stats);
      taken.add(base);
      stats.packs++;
    }
    if (!vanished) return stats;
  }
}
