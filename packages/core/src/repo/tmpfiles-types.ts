/**
 * Kinds of temporary files and locks git leaves in a repository. The names and owners are
 * classified by `classifyTmpPath` (repo/tmpfiles.ts).
 */
export type TmpKind =
  /** objects/pack/tmp_pack_*, tmp_idx_*, tmp_rev_*, tmp_mtimes_*, tmp_bitmap_* */
  | "tmp-pack"
  /** objects/??/tmp_obj_* */
  | "tmp-obj"
  /** other tmp_* under objects/ (info/commit-graphs/tmp_graph_*, info/packs_*, bitmap-ref-tips_*) */
  | "tmp-other"
  /** objects/tmp_objdir-*, objects/incoming-* (directories) */
  | "quarantine"
  /** objects/pack/.tmp-<pid>-pack-* (repack's staging names; pid in the name) */
  | "repack-staging"
  /** packed-refs.new */
  | "packed-refs-new"
  /** known lock files other than ref locks */
  | "lock"
  /** refs/**\/*.lock and packed-refs.lock */
  | "ref-lock"
  /** gc.pid */
  | "gc-pid"
  /** a pack .keep whose content names receive-pack/fetch-pack <pid> on <host> */
  | "transfer-keep"
  /** a .keep written by gitmaint's aggregator ("gitmaint-aggregate pid=<pid> start=<t>") */
  | "gitmaint-keep"
  /** pack-<hash>.idx without its .pack */
  | "orphan-idx";

export interface TmpEntry {
  /** Absolute path. */
  path: string;
  /** Path relative to the repository's common git dir (or objects dir when outside it). */
  rel: string;
  kind: TmpKind;
  isDirectory: boolean;
  /** Bytes (for a directory: total of entries inside). */
  bytes: number;
  mtimeMs: number;
  ctimeMs: number;
  /** For directories: newest max(mtime, ctime) of any entry inside. Files: max(mtime, ctime). */
  newestChangeMs: number;
  /** Owner pid named by the file name or content, if any. */
  pid?: number;
  /** Host named in a transfer .keep, gc.pid or the gitmaint holder written into a `lock`. */
  host?: string;
  /** Owner start time (clock ticks since boot) named in a gitmaint .keep or lock holder. */
  startTicks?: number;
  /** True when the file is a symlink (never followed). */
  isSymlink: boolean;
}

/** A path the scanner could not read, reported instead of crashing. */
export interface ScanProblem {
  path: string;
  error: string;
}

export interface TmpScan {
  entries: TmpEntry[];
  problems: ScanProblem[];
}
