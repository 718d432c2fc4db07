/**
 * Files a process has memory-mapped, from /proc/<pid>/maps. git mmaps pack files and closes small
 * packs' descriptors, so a deleted pack can stay pinned on disk through a mapping alone.
 */
import { readFileSync, statSync } from "node:fs";

export interface MappedFile {
  path: string;
  /** The file was deleted while mapped (disk space pinned until the mapping goes). */
  deleted: boolean;
  /** Size of the file when it can be read (map_files, root only), else the mapped bytes. */
  bytes: number;
}

const DELETED = " (deleted)";

/** Parses maps content into one entry per mapped file (by device + inode). */
export function parseMaps(content: string): Array<{ path: string; deleted: boolean; range: string; mappedBytes: number; inode: string }> {
  const out = new Map<string, { path: string; deleted: boolean; range: string; mappedBytes: number; inode: string }>();
  for (const line of content.split("\n")) {
    // start-end perms offset dev inode path
    const m = /^([0-9a-f]+)-([0-9a-f]+)\s+\S+\s+\S+\s+(\S+)\s+(\d+)\s+(\/.*)$/.exec(line);
    if (!m || m[4] === "0") continue;
    const raw = m[5]!;
    const deleted = raw.endsWith(DELETED);
    const path = deleted ? raw.slice(0, -DELETED.length) : raw;
    const key = `${m[3]}:${m[4]}`;
    const bytes = parseInt(m[2]!, 16) - parseInt(m[1]!, 16);
    const prev = out.get(key);
    if (prev) prev.mappedBytes += bytes;
    else out.set(key, { path, deleted, range: `${m[1]}-${m[2]}`, mappedBytes: bytes, inode: m[4]! });
  }
  return [...out.values()];
}

/** The files mapped by `pid`, or undefined when the process is gone or cannot be read. */
export function readMappedFiles(procRoot: string, pid: number): MappedFile[] | undefined {
  let content: string;
  try {
    content = readFileSync(`${procRoot}/${pid}/maps`, "utf8");
  } catch {
    return undefined;
  }
  return parseMaps(content).map((m) => {
    let bytes = m.mappedBytes;
    if (m.deleted) {
      try {
        bytes = statSync(`${procRoot}/${pid}/map_files/${m.range}`).size;
      } catch {
        // map_files needs CAP_SYS_ADMIN: fall back to the mapped length
      }
    }
    return { path: m.path, deleted: m.deleted, bytes };
  });
}
