/**
 * Pack file names (`pack-<hash>.<ext>`) and the completeness check of a pack `.idx`.
 */
import { open } from "node:fs/promises";

/** Extensions of the files that make up a pack. */
export type PackExt = "pack" | "idx" | "keep" | "mtimes" | "bitmap" | "rev" | "promisor";

const PACK_FILE_RE = /^pack-([0-9a-f]{40}|[0-9a-f]{64})\.(pack|idx|keep|mtimes|bitmap|rev|promisor)$/;

/** Parses `pack-<hash>.<ext>`; undefined for any other name (tmp files, staging names, midx). */
export function parsePackFileName(name: string): { hash: string; ext: PackExt } | undefined {
  const m = PACK_FILE_RE.exec(name);
  if (!m) return undefined;
  return { hash: m[1] ?? "", ext: m[2] as PackExt };
}

/** Header (8) + fanout (1024) + the two trailing checksums (2 x 20): the smallest valid v2 .idx. */
export const IDX_MIN_BYTES = 1072;
const IDX_MAGIC = Buffer.from([0xff, 0x74, 0x4f, 0x63]); // "\377tOc"
const HEADER_AND_FANOUT = 8 + 256 * 4;

/**
 * True when the file at `path` looks like a complete version-2 pack index: the `\377tOc` magic,
 * version 2, and at least as many bytes as its fanout's object count requires (names, CRCs,
 * offsets, trailer; SHA-1 sizes, a lower bound for SHA-256). git renames a finished .idx into
 * place, so this only guards against a partial file written under the final name by something else.
 * Never throws: an unreadable or vanished file is "not complete".
 */
export async function isIdxComplete(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, "r");
    const { size } = await handle.stat();
    if (size < IDX_MIN_BYTES) return false;
    const buf = Buffer.alloc(HEADER_AND_FANOUT);
    const { bytesRead } = await handle.read(buf, 0, HEADER_AND_FANOUT, 0);
    if (bytesRead < HEADER_AND_FANOUT) return false;
    if (!buf.subarray(0, 4).equals(IDX_MAGIC) || buf.readUInt32BE(4) !== 2) return false;
    const objects = buf.readUInt32BE(8 + 255 * 4);
    return size >= HEADER_AND_FANOUT + objects * (20 + 4 + 4) + 2 * 20;
  } catch {
    return false;
  } finally {
    await handle?.close().catch(() => {});
  }
}
