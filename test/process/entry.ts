/**
 * Builds TmpEntry objects by hand (the tmp scanner is separate): times from a real lstat, so that
 * moving a file's mtime back with utimes still leaves ctime (and newestChangeMs) at "now".
 */
import { lstatSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import type { TmpEntry, TmpKind } from "@gitmaint/core";

export function entryFor(path: string, commonDir: string, kind: TmpKind, extra: Partial<TmpEntry> = {}): TmpEntry {
  const st = lstatSync(path);
  const isDirectory = st.isDirectory();
  const newest = isDirectory ? newestInside(path, Math.max(st.mtimeMs, st.ctimeMs)) : Math.max(st.mtimeMs, st.ctimeMs);
  return {
    path,
    rel: relative(commonDir, path),
    kind,
    isDirectory,
    bytes: isDirectory ? 0 : st.size,
    mtimeMs: st.mtimeMs,
    ctimeMs: st.ctimeMs,
    newestChangeMs: newest,
    isSymlink: st.isSymbolicLink(),
    ...extra,
  };
}

function newestInside(dir: string, start: number): number {
  let newest = start;
  for (const name of readdirSync(dir)) {
    const st = lstatSync(join(dir, name));
    newest = Math.max(newest, st.mtimeMs, st.ctimeMs);
    if (st.isDirectory()) newest = newestInside(join(dir, name), newest);
  }
  return newest;
}
