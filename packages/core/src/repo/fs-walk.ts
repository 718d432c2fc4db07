/**
 * Small filesystem helpers for scanners: readdir/lstat that report problems instead of throwing,
 * a no-follow read of small files, and a recursive size/newest-change walk that never follows
 * symlinks.
 */
import type { Dirent, Stats } from "node:fs";
import { constants } from "node:fs";
import { lstat, open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { AbortError } from "../errors.js";
import type { ScanProblem } from "./tmpfiles-types.js";

/** Error codes that mean "nothing there" rather than a problem worth reporting. */
const ABSENT = new Set(["ENOENT", "ENOTDIR"]);

export function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : undefined;
}

function problem(path: string, error: unknown): ScanProblem {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return { path, error: code && !message.startsWith(code) ? `${code}: ${message}` : message };
}

/** readdir with file types; a missing dir is `undefined`, any other failure a problem. */
export async function readDirSafe(dir: string, problems: ScanProblem[]): Promise<Dirent[] | undefined> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (!ABSENT.has(errorCode(error) ?? "")) problems.push(problem(dir, error));
    return undefined;
  }
}

/** readdir of names only (no Dirent objects); a missing dir is `undefined`, any other failure a problem. */
export async function readNamesSafe(dir: string, problems: ScanProblem[]): Promise<string[] | undefined> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (!ABSENT.has(errorCode(error) ?? "")) problems.push(problem(dir, error));
    return undefined;
  }
}

/** Whether a directory entry is a real directory (lstat when the filesystem gave no type). */
export async function direntIsDirectory(dir: string, d: Dirent): Promise<boolean> {
  if (d.isDirectory()) return true;
  if (d.isFile() || d.isSymbolicLink() || d.isFIFO() || d.isSocket() || d.isBlockDevice() || d.isCharacterDevice()) return false;
  try {
    return (await lstat(join(dir, d.name))).isDirectory();
  } catch {
    return false;
  }
}

/** lstat; a vanished path is `undefined`, any other failure a problem. */
export async function lstatSafe(path: string, problems: ScanProblem[]): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (!ABSENT.has(errorCode(error) ?? "")) problems.push(problem(path, error));
    return undefined;
  }
}

/**
 * Reads the first `max` bytes of a regular file without following a symlink and without blocking
 * (O_NONBLOCK: a FIFO put in its place is opened, seen not to be a regular file and not read);
 * undefined on failure or when it is not a regular file.
 */
export async function readSmallNoFollow(path: string, max = 512): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    if (!(await handle.stat()).isFile()) return undefined;
    const buf = Buffer.alloc(max);
    const { bytesRead } = await handle.read(buf, 0, max, 0);
    return buf.subarray(0, bytesRead).toString("utf8");
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** Throws gitmaint's AbortError when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError("scan aborted", { cause: signal.reason });
}

/** Newest `max(mtime, ctime)` of a stat result. */
export function changeMs(st: Stats): number {
  return Math.max(st.mtimeMs, st.ctimeMs);
}

/**
 * Total bytes and newest change under a directory (the directory itself included), by lstat,
 * never following symlinks (a link counts with its own size). Unreadable subdirs become problems.
 */
export async function measureTree(
  dir: string,
  own: Stats,
  problems: ScanProblem[],
  signal?: AbortSignal,
): Promise<{ bytes: number; newestChangeMs: number }> {
  let bytes = 0;
  let newest = changeMs(own);
  const stack = [dir];
  while (stack.length > 0) {
    throwIfAborted(signal);
    const current = stack.pop() as string;
    const entries = await readDirSafe(current, problems);
    if (!entries) continue;
    for (const entry of entries) {
      const path = join(current, entry.name);
      const st = await lstatSafe(path, problems);
      if (!st) continue;
      newest = Math.max(newest, changeMs(st));
      if (st.isDirectory()) stack.push(path);
      else bytes += st.size;
    }
  }
  return { bytes, newestChangeMs: newest };
}
