/**
 * Classification of git's temporary files and locks by name and location (pure: no I/O).
 *
 * Only the names git itself uses are classified; anything else (a `pack-*.pack`, a user's own
 * `.keep`, an arbitrary `*.lock`) is `undefined`. Two kinds need one fact the name cannot give:
 * a pack `.keep` is classified from its content (`facts.keepContent`), and a `pack-<hash>.idx` is an
 * orphan only when told its `.pack` is missing (`facts.packExists === false`).
 */
import { resolve, sep } from "node:path";
import type { TmpKind } from "./tmpfiles-types.js";
import type { Repository } from "./types.js";

/** Facts about a path the name alone cannot tell. */
export interface TmpFacts {
  /** Content of a `pack-*.keep` (only its first line matters). */
  keepContent?: string;
  /** For a `pack-<hash>.idx`: whether `pack-<hash>.pack` exists. */
  packExists?: boolean;
}

/** Owner named by a `.keep`'s content. */
export interface KeepOwner {
  kind: "transfer-keep" | "gitmaint-keep";
  pid: number;
  /** Host of a receive-pack/fetch-pack keep. */
  host?: string;
  /** Start time (clock ticks since boot) of a gitmaint keep's writer. */
  startTicks?: number;
}

const HASH = "(?:[0-9a-f]{40}|[0-9a-f]{64})";
const PACK_KEEP_RE = /^pack-.+\.keep$/;
const PACK_IDX_RE = new RegExp(`^pack-${HASH}\\.idx$`);
const TMP_PACK_RE = /^tmp_(?:pack|idx|rev|mtimes|bitmap)_/;
const STAGING_RE = /^\.tmp-(\d+)-pack(?:-|$)/;
const FANOUT_RE = /^[0-9a-f]{2}$/;
const TRANSFER_KEEP_RE = /^(receive-pack|fetch-pack) (\d+) on (\S+)\s*$/;
const GITMAINT_KEEP_RE = /^gitmaint-aggregate pid=(\d+) start=(\d+)\s*$/;
const GC_PID_RE = /^(\d+) (\S+)/;

/** Locks at the top of the git dir (the common dir) that are classified as `lock`. */
const GITDIR_LOCKS = new Set(["config.lock", "HEAD.lock", "index.lock", "shallow.lock"]);
/** Locks inside a linked worktree's admin dir (`worktrees/<name>/`). */
const WORKTREE_LOCKS = new Set(["index.lock", "HEAD.lock"]);

/**
 * Classifies a path inside a repository as one of git's temporary files or locks, or `undefined`.
 * `isDirectory` (when known) keeps directories out of file kinds and files out of `quarantine`.
 */
export function classifyTmpPath(
  repo: Repository,
  absPath: string,
  isDirectory?: boolean,
  facts: TmpFacts = {},
): TmpKind | undefined {
  const abs = resolve(absPath);
  const inObjects = relParts(repo.objectsDir, abs);
  if (inObjects) return classifyInObjects(inObjects, isDirectory, facts);
  const inGitDir = relParts(repo.commonDir, abs);
  if (inGitDir) return isDirectory === true ? undefined : classifyInGitDir(inGitDir);
  return undefined;
}

function classifyInObjects(parts: string[], isDirectory: boolean | undefined, facts: TmpFacts): TmpKind | undefined {
  const name = parts[parts.length - 1] ?? "";
  const isTmp = name.startsWith("tmp_");
  if (parts.length === 1) {
    if (name.startsWith("tmp_objdir-") || name.startsWith("incoming-")) {
      if (isDirectory !== false) return "quarantine";
      return isTmp ? "tmp-other" : undefined;
    }
    if (isDirectory === true) return undefined;
    if (name === "maintenance.lock") return "lock";
    if (isTmp || name.startsWith("bitmap-ref-tips_")) return "tmp-other";
    return undefined;
  }
  if (isDirectory === true) return undefined;
  const dir = parts[0] ?? "";
  if (parts.length === 2 && FANOUT_RE.test(dir)) {
    if (name.startsWith("tmp_obj_")) return "tmp-obj";
    return isTmp ? "tmp-other" : undefined;
  }
  if (parts.length === 2 && dir === "pack") return classifyInPackDir(name, facts);
  if (parts.length === 2 && dir === "info") return isTmp || name.startsWith("packs_") ? "tmp-other" : undefined;
  if (parts.length === 3 && dir === "info" && parts[1] === "commit-graphs") {
    if (name === "commit-graph-chain.lock") return "lock";
    return isTmp ? "tmp-other" : undefined;
  }
  return undefined;
}

function classifyInPackDir(name: string, facts: TmpFacts): TmpKind | undefined {
  if (TMP_PACK_RE.test(name)) return "tmp-pack";
  if (name.startsWith("tmp_")) return "tmp-other";
  if (STAGING_RE.test(name)) return "repack-staging";
  if (name === "multi-pack-index.lock") return "lock";
  if (PACK_KEEP_RE.test(name)) {
    return facts.keepContent === undefined ? undefined : parseKeepContent(facts.keepContent)?.kind;
  }
  if (PACK_IDX_RE.test(name) && facts.packExists === false) return "orphan-idx";
  return undefined;
}

function classifyInGitDir(parts: string[]): TmpKind | undefined {
  const name = parts[parts.length - 1] ?? "";
  if (parts.length === 1) {
    if (GITDIR_LOCKS.has(name)) return "lock";
    if (name === "packed-refs.lock") return "ref-lock";
    if (name === "packed-refs.new") return "packed-refs-new";
    if (name === "gc.pid") return "gc-pid";
    return undefined;
  }
  if (parts[0] === "refs" && name.endsWith(".lock") && name.length > ".lock".length) return "ref-lock";
  if (parts[0] === "worktrees" && parts.length === 3 && WORKTREE_LOCKS.has(name)) return "lock";
  return undefined;
}

/** Path segments of `abs` below `dir`, or undefined when `abs` is not strictly inside it. */
function relParts(dir: string, abs: string): string[] | undefined {
  const base = resolve(dir);
  if (!abs.startsWith(base + sep)) return undefined;
  const parts = abs.slice(base.length + 1).split(sep).filter((p) => p !== "");
  return parts.length > 0 ? parts : undefined;
}

/**
 * Parses a `.keep`'s content: `receive-pack <pid> on <host>` / `fetch-pack <pid> on <host>`
 * (written by index-pack for a push/fetch in flight) or gitmaint's own
 * `gitmaint-aggregate pid=<pid> start=<ticks>`. Anything else is a user's keep: `undefined`.
 */
export function parseKeepContent(content: string): KeepOwner | undefined {
  const line = content.split("\n", 1)[0] ?? "";
  const t = TRANSFER_KEEP_RE.exec(line);
  if (t) return { kind: "transfer-keep", pid: Number(t[2]), host: t[3] ?? "" };
  const g = GITMAINT_KEEP_RE.exec(line);
  if (g) return { kind: "gitmaint-keep", pid: Number(g[1]), startTicks: Number(g[2]) };
  return undefined;
}

/** The content gitmaint writes into the `.keep` of a pack it is producing. */
export function formatGitmaintKeep(pid: number, startTicks: number): string {
  return `gitmaint-aggregate pid=${pid} start=${startTicks}\n`;
}

/** Parses `gc.pid` (`<pid> <host>`). */
export function parseGcPid(content: string): { pid: number; host: string } | undefined {
  const m = GC_PID_RE.exec(content);
  return m ? { pid: Number(m[1]), host: m[2] ?? "" } : undefined;
}

/** The repack pid in a `.tmp-<pid>-pack-*` staging name. */
export function stagingPid(name: string): number | undefined {
  const m = STAGING_RE.exec(name);
  return m ? Number(m[1]) : undefined;
}
