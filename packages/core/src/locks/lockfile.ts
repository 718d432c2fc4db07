/**
 * Lock file primitives: atomic create-with-content (write a temporary file, then link() it to
 * the lock name: EEXIST means busy, and a reader never sees an empty gitmaint lock), inspection
 * with a stable identity, and removal only when the content is still ours.
 */
import { createHash, randomBytes } from "node:crypto";
import { link, lstat, open, readFile, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { LockHolder } from "./types.js";
import { parseHolder } from "./holder.js";

/** What is known about an existing lock file. */
export interface LockFileInfo {
  path: string;
  text: string;
  holder: LockHolder | undefined;
  size: number;
  mtimeMs: number;
  /**
   * Identity of this very file: hash of dev, inode, mtime (ns), size and content. A takeover
   * removes a file only if its identity is still the one judged stale.
   */
  identity: string;
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Creates `path` with `text` atomically. Returns false if it already exists.
 * Falls back to O_EXCL + write on file systems without hard links.
 */
export async function createWithContent(path: string, text: string): Promise<boolean> {
  const tmp = join(dirname(path), `.gitmaint-tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
  await writeFile(tmp, text, { flag: "wx", mode: 0o644 });
  try {
    await link(tmp, path);
    return true;
  } catch (error) {
    if (errno(error) === "EEXIST") return false;
    if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV"].includes(errno(error) ?? "")) throw error;
  } finally {
    await unlink(tmp).catch(() => {});
  }
  // no hard links here: O_EXCL create (a reader may briefly see it empty)
  let fh;
  try {
    fh = await open(path, "wx", 0o644);
  } catch (error) {
    if (errno(error) === "EEXIST") return false;
    throw error;
  }
  try {
    await fh.writeFile(text);
  } finally {
    await fh.close();
  }
  return true;
}

/**
 * Inspects a lock file: undefined if missing. An empty file is only lstat'ed (never opened,
 * so a scan of open descriptors by another process does not mistake us for its holder).
 */
export async function inspectLockFile(path: string): Promise<LockFileInfo | undefined> {
  try {
    const st = await lstat(path, { bigint: true });
    if (!st.isFile()) return undefined;
    if (st.size === 0n) return infoOf(path, st, "");
    const fh = await open(path, "r");
    try {
      const fst = await fh.stat({ bigint: true });
      const text = (await fh.readFile({ encoding: "utf8" })).slice(0, 4096);
      return infoOf(path, fst, text);
    } finally {
      await fh.close();
    }
  } catch (error) {
    if (errno(error) === "ENOENT") return undefined;
    throw error;
  }
}

function infoOf(
  path: string,
  st: { dev: bigint; ino: bigint; mtimeNs: bigint; size: bigint },
  text: string,
): LockFileInfo {
  const identity = createHash("sha256")
    .update(`${st.dev}:${st.ino}:${st.mtimeNs}:${st.size}:`)
    .update(text)
    .digest("hex")
    .slice(0, 16);
  return {
    path,
    text,
    holder: parseHolder(text),
    size: Number(st.size),
    mtimeMs: Number(st.mtimeNs / 1_000_000n),
    identity,
  };
}

/** Removes `path` only if its content is exactly `text` (never someone else's lock). */
export async function removeIfContent(path: string, text: string): Promise<boolean> {
  let current: string;
  try {
    current = await readFile(path, "utf8");
  } catch (error) {
    if (errno(error) === "ENOENT") return false;
    throw error;
  }
  if (current !== text) return false;
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (errno(error) === "ENOENT") return false;
    throw error;
  }
}
