/**
 * Reads what the strategy needs from a repository, without running git: the packs (bytes, object
 * count from the .idx header, cruft = has `.mtimes`, kept = has `.keep`), how many packs the
 * multi-pack-index covers, a sampled loose-object estimate (like `git gc --auto`), loose refs and
 * the size of packed-refs. Files vanishing mid-read are skipped, never fatal.
 */
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Repository } from "@gitmaint/core";

export interface PackShape {
  /** `pack-<hash>` */
  name: string;
  /** Bytes of the `.pack`. */
  bytes: number;
  /** Objects in the pack (from its .idx), 0 when unreadable. */
  objects: number;
  cruft: boolean;
  keep: boolean;
}

export interface RepoShape {
  packs: PackShape[];
  midx: { exists: boolean; packCount: number };
  /** Estimated loose objects (sampled fan-out dirs x 256 / sampled). */
  looseObjects: number;
  looseExact: boolean;
  /** Loose refs under refs/ (files). */
  looseRefs: number;
  packedRefsBytes: number;
  bare: boolean;
}

const LOOSE_NAME = /^[0-9a-f]{38}(?:[0-9a-f]{24})?$/;

/** Reads the repository's shape. `sampleDirs` fan-out dirs are counted, from `objects/17` on. */
export async function inspectRepo(repo: Repository, sampleDirs = 16): Promise<RepoShape> {
  const [packs, midx, loose, looseRefs, packedRefsBytes] = await Promise.all([
    listPacks(repo.packDir),
    readMidxHeader(join(repo.packDir, "multi-pack-index")),
    estimateLoose(repo.objectsDir, sampleDirs),
    countLooseRefs(join(repo.commonDir, "refs")),
    sizeOf(join(repo.commonDir, "packed-refs")),
  ]);
  return { packs, midx, looseObjects: loose.estimate, looseExact: loose.exact, looseRefs, packedRefsBytes, bare: repo.bare };
}

/** Usable packs (`.pack` with its `.idx`) of a pack directory, sorted by name. */
export async function listPacks(packDir: string): Promise<PackShape[]> {
  const names = new Set(await readdirSafe(packDir));
  const packs: PackShape[] = [];
  for (const file of [...names].sort()) {
    const m = /^(pack-[0-9a-f]+)\.pack$/.exec(file);
    if (!m?.[1] || !names.has(`${m[1]}.idx`)) continue;
    const name = m[1];
    const bytes = await sizeOf(join(packDir, file));
    const objects = await idxObjectCount(join(packDir, `${name}.idx`));
    packs.push({ name, bytes, objects, cruft: names.has(`${name}.mtimes`), keep: names.has(`${name}.keep`) });
  }
  return packs;
}

/** Object count from a pack .idx header (v2: magic, version, fan-out; v1: fan-out only). */
export async function idxObjectCount(idxPath: string): Promise<number> {
  const buf = await readHead(idxPath, 8 + 256 * 4);
  if (!buf) return 0;
  const v2 = buf.length >= 8 && buf.readUInt32BE(0) === 0xff744f63;
  const fanoutEnd = (v2 ? 8 : 0) + 256 * 4;
  return buf.length >= fanoutEnd ? buf.readUInt32BE(fanoutEnd - 4) : 0;
}

/** The multi-pack-index header: "MIDX", version, oid version, chunks, base files, pack count. */
export async function readMidxHeader(path: string): Promise<{ exists: boolean; packCount: number }> {
  const buf = await readHead(path, 12);
  if (!buf || buf.length < 12 || buf.toString("latin1", 0, 4) !== "MIDX") return { exists: false, packCount: 0 };
  return { exists: true, packCount: buf.readUInt32BE(8) };
}

/** Counts loose objects in `sampleDirs` fan-out dirs starting at `17` (git gc's sample dir). */
export async function estimateLoose(objectsDir: string, sampleDirs: number): Promise<{ estimate: number; exact: boolean }> {
  const n = Math.max(1, Math.min(256, sampleDirs));
  let count = 0;
  for (let i = 0; i < n; i++) {
    const dir = ((0x17 + i) % 256).toString(16).padStart(2, "0");
    for (const name of await readdirSafe(join(objectsDir, dir))) if (LOOSE_NAME.test(name)) count++;
  }
  return { estimate: n === 256 ? count : Math.round((count * 256) / n), exact: n === 256 };
}

async function countLooseRefs(dir: string): Promise<number> {
  let count = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.isDirectory()) count += await countLooseRefs(join(dir, e.name));
    else if (e.isFile() && !e.name.endsWith(".lock")) count++;
  }
  return count;
}

async function readdirSafe(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function readHead(path: string, bytes: number): Promise<Buffer | undefined> {
  let fh;
  try {
    fh = await open(path, "r");
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } catch {
    return undefined;
  } finally {
    await fh?.close();
  }
}
