/**
 * What is in a pack directory right now: every `pack-<hash>` with its files, sizes, object count
 * (from the `.idx` fanout), the latest ctime of its `.pack`/`.idx` (a rename updates ctime, so this
 * is when it was put in place), the `.tmp-<pid>-pack-<hash>` staging names of running repacks, and
 * the packs a multi-pack-index names. Read-only; never throws for a file that vanishes meanwhile.
 */
import { open, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { isIdxComplete, parsePackFileName, type PackExt } from "@gitmaint/core";

export interface PackInfo {
  hash: string;
  /** `pack-<hash>` */
  name: string;
  exts: Set<PackExt>;
  packBytes: number;
  /** Objects in the `.idx` (0 when it is missing or incomplete). */
  objects: number;
  /** `.idx` present and complete. */
  complete: boolean;
  /** Latest ctime (ms) of `.pack` / `.idx`. */
  changedAt: number;
}

export interface PackDirListing {
  packs: Map<string, PackInfo>;
  /** Hashes named by `.tmp-<pid>-pack-<hash>.*` files (a repack's output before its final rename). */
  staging: Map<string, number>;
  /** Hashes of the packs in the multi-pack-index (and an incremental chain, if any). */
  midx: Set<string>;
  takenAt: number;
}

const STAGING_RE = /^\.tmp-(\d+)-pack-([0-9a-f]{40}|[0-9a-f]{64})\./;
/** Sidecars that make a pack someone else's business: never an input while one exists. */
export const PROTECTING_SIDECARS: readonly PackExt[] = ["keep", "mtimes", "promisor", "bitmap"];

/** `.tmp-<pid>-pack-<hash>.<ext>` → { pid, hash }. */
export function parseStagingName(name: string): { pid: number; hash: string } | undefined {
  const m = STAGING_RE.exec(name);
  return m ? { pid: Number(m[1]), hash: m[2] ?? "" } : undefined;
}

/** Lists the pack directory (see the module comment). A missing directory is an empty listing. */
export async function listPackDir(packDir: string): Promise<PackDirListing> {
  const takenAt = Date.now();
  const packs = new Map<string, PackInfo>();
  const staging = new Map<string, number>();
  let names: string[] = [];
  try {
    names = await readdir(packDir);
  } catch {
    return { packs, staging, midx: new Set(), takenAt };
  }
  for (const name of names) {
    const s = parseStagingName(name);
    if (s) staging.set(s.hash, s.pid);
    const p = parsePackFileName(name);
    if (!p) continue;
    let info = packs.get(p.hash);
    if (!info) {
      info = { hash: p.hash, name: `pack-${p.hash}`, exts: new Set(), packBytes: 0, objects: 0, complete: false, changedAt: 0 };
      packs.set(p.hash, info);
    }
    info.exts.add(p.ext);
  }
  await Promise.all(
    [...packs.values()].map(async (info) => {
      if (info.exts.has("pack")) {
        const st = await stat(join(packDir, `${info.name}.pack`)).catch(() => undefined);
        if (st) {
          info.packBytes = st.size;
          info.changedAt = Math.max(info.changedAt, st.ctimeMs, st.mtimeMs);
        } else info.exts.delete("pack");
      }
      if (info.exts.has("idx")) {
        const idx = join(packDir, `${info.name}.idx`);
        const st = await stat(idx).catch(() => undefined);
        if (st) info.changedAt = Math.max(info.changedAt, st.ctimeMs, st.mtimeMs);
        info.complete = st !== undefined && (await isIdxComplete(idx));
        if (info.complete) info.objects = await idxObjectCount(idx);
      }
    }),
  );
  return { packs, staging, midx: await midxPacks(packDir), takenAt };
}

/** Number of objects in a v2 `.idx` (fanout[255]); 0 when unreadable. */
export async function idxObjectCount(path: string): Promise<number> {
  let handle;
  try {
    handle = await open(path, "r");
    const buf = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buf, 0, 4, 8 + 255 * 4);
    return bytesRead === 4 ? buf.readUInt32BE(0) : 0;
  } catch {
    return 0;
  } finally {
    await handle?.close().catch(() => {});
  }
}

const IDX_NAMES = 8 + 256 * 4;

/** Object count and hash length (20: SHA-1, 32: SHA-256) of a v2 `.idx` buffer. */
function idxShape(buf: Buffer): { n: number; hashLen: number } {
  const n = buf.readUInt32BE(8 + 255 * 4);
  return { n, hashLen: n > 0 && (buf.length - IDX_NAMES - n * 8 - 40) / n >= 32 ? 32 : 20 };
}

/** Object ids of a v2 `.idx` (hex). */
export async function idxObjectIds(path: string): Promise<string[]> {
  const buf = await readFile(path);
  const { n, hashLen } = idxShape(buf);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(buf.toString("hex", IDX_NAMES + i * hashLen, IDX_NAMES + (i + 1) * hashLen));
  return out;
}

/**
 * A membership test on a v2 `.idx` without listing its ids: the fan-out table narrows the range,
 * then a binary search over the sorted names. For checking a few ids against a big pack.
 */
export async function idxMembership(path: string): Promise<(oid: string) => boolean> {
  const buf = await readFile(path);
  const { hashLen } = idxShape(buf);
  return (oid) => {
    const want = Buffer.from(oid, "hex");
    if (want.length !== hashLen) return false;
    const first = want[0] ?? 0;
    let lo = first === 0 ? 0 : buf.readUInt32BE(8 + (first - 1) * 4);
    let hi = buf.readUInt32BE(8 + first * 4);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = IDX_NAMES + mid * hashLen;
      const c = buf.compare(want, 0, hashLen, at, at + hashLen);
      if (c === 0) return true;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return false;
  };
}

const PNAM = 0x504e414d;

/** Pack hashes a multi-pack-index file names (its PNAM chunk); empty when absent or unreadable. */
export function parseMidxPackNames(buf: Buffer): string[] {
  if (buf.length < 12 || buf.toString("latin1", 0, 4) !== "MIDX") return [];
  const chunks = buf.readUInt8(6);
  for (let i = 0; i <= chunks; i++) {
    const at = 12 + i * 12;
    if (at + 12 > buf.length) return [];
    if (buf.readUInt32BE(at) !== PNAM) continue;
    const start = Number(buf.readBigUInt64BE(at + 4));
    const end = Number(buf.readBigUInt64BE(at + 16));
    if (!(start < end && end <= buf.length)) return [];
    return buf
      .toString("latin1", start, end)
      .split("\0")
      .map((n) => /^pack-([0-9a-f]+)\.(idx|pack)$/.exec(n)?.[1])
      .filter((h): h is string => h !== undefined);
  }
  return [];
}

/** Hashes of every pack named by `multi-pack-index` and `multi-pack-index.d/*.midx`. */
export async function midxPacks(packDir: string): Promise<Set<string>> {
  const files = [join(packDir, "multi-pack-index")];
  const chain = join(packDir, "multi-pack-index.d");
  for (const n of await readdir(chain).catch(() => [] as string[])) if (n.endsWith(".midx")) files.push(join(chain, n));
  const out = new Set<string>();
  for (const f of files) {
    const buf = await readFile(f).catch(() => undefined);
    if (buf) for (const h of parseMidxPackNames(buf)) out.add(h);
  }
  return out;
}
