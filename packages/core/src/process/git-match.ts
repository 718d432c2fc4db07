/**
 * Deciding whether a git process works on a given repository: from its working directory (and
 * the repository git would discover from there, so linked worktrees count), `-C`, `--git-dir`,
 * `--work-tree`, repository arguments and GIT_* environment variables. All comparisons are on
 * realpaths. A process whose cwd or environment cannot be read is a "possible" match.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import type { Repository } from "../repo/types.js";
import type { GitInvocation } from "./git-argv.js";
import type { ProcInfo } from "./types.js";

/** Environment variables that name the directories a git process works on. */
const GIT_DIR_VARS = ["GIT_DIR", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY", "GIT_WORK_TREE", "GIT_QUARANTINE_PATH"];

/** Per-query cache of realpath and git-dir discovery results. */
export type MatchCache = Map<string, string[]>;

/** The realpath'd directories of a repository a writer could work in. */
export function repoDirsOf(repo: Repository): string[] {
  const dirs = [repo.gitDir, repo.commonDir, repo.objectsDir, repo.workTree].filter((d): d is string => !!d);
  return [...new Set(dirs.flatMap((d) => [d, real(d)]))];
}

/** True when `path` is `dir` or inside it. */
export function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith("/") ? dir : `${dir}/`);
}

/** Parses a NUL-separated environ block into a map. */
export function parseEnviron(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const item of text.split("\0")) {
    const eq = item.indexOf("=");
    if (eq > 0) env.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return env;
}

/**
 * Classifies one git process against a repository.
 * @param env its environment, undefined when unreadable
 * @param parentCwd its parent's cwd: relative `-C`/`--git-dir` may be relative to where it was started
 */
export function matchGitProcess(
  proc: ProcInfo,
  inv: GitInvocation,
  env: Map<string, string> | undefined,
  parentCwd: string | undefined,
  repoDirs: readonly string[],
  cache: MatchCache = new Map(),
): "certain" | "possible" | "other" {
  // Relative paths may be relative to the process's cwd or to where it was started from.
  const bases = unique([proc.cwd, parentCwd]);
  let chdirBases = bases;
  for (const c of inv.chdirs) chdirBases = chdirBases.map((b) => resolve(b, c));
  const workDirs = unique([proc.cwd, ...(inv.chdirs.length > 0 ? chdirBases : [])]);
  const direct: string[] = [...workDirs];
  const resolveIn = (p: string | undefined): void => {
    if (p === undefined || p === "") return;
    if (isAbsolute(p)) direct.push(p);
    else for (const b of unique([...chdirBases, ...bases])) direct.push(resolve(b, p));
  };
  resolveIn(inv.gitDir);
  resolveIn(inv.workTree);
  for (const a of inv.repoArgs) resolveIn(a);
  if (env) for (const v of GIT_DIR_VARS) resolveIn(env.get(v));

  const candidates = new Set<string>();
  for (const d of direct) for (const r of realAll(d, cache)) candidates.add(r);
  for (const d of workDirs) for (const g of discover(d, cache)) candidates.add(g);
  for (const c of candidates) if (repoDirs.some((dir) => isInside(c, dir))) return "certain";
  return proc.cwd === undefined || env === undefined ? "possible" : "other";
}

function unique(items: readonly (string | undefined)[]): string[] {
  return [...new Set(items.filter((x): x is string => x !== undefined))];
}

function real(path: string): string {
  try {
    // libc realpath: one call instead of node's JS walk (an lstat per path component); a daemon
    // resolves every repository's dirs on each process scan.
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

function realAll(path: string, cache: MatchCache): string[] {
  const key = `r:${path}`;
  let hit = cache.get(key);
  if (!hit) cache.set(key, (hit = unique([resolve(path), real(path)])));
  return hit;
}

/**
 * The git dir (and common dir) git would discover starting at `start`, walking up: a `.git`
 * directory or `gitdir:` file, or a directory that is itself a git dir. Empty when none.
 */
export function discover(start: string, cache: MatchCache = new Map()): string[] {
  const key = `d:${start}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let found: string | undefined;
  for (let d = resolve(start); ; d = dirname(d)) {
    found = gitDirAt(d);
    if (found || d === dirname(d)) break;
  }
  const out: string[] = [];
  if (found) {
    out.push(...realAll(found, cache));
    try {
      const common = readFileSync(`${found}/commondir`, "utf8").trim();
      if (common) out.push(...realAll(resolve(found, common), cache));
    } catch {
      // no commondir: not a linked worktree
    }
  }
  cache.set(key, out);
  return out;
}

function gitDirAt(d: string): string | undefined {
  const dotGit = `${d}/.git`;
  try {
    const st = statSync(dotGit);
    if (st.isDirectory()) return dotGit;
    const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, "utf8"));
    if (m?.[1]) return resolve(d, m[1]);
  } catch {
    // no .git here
  }
  if (existsSync(`${d}/HEAD`) && existsSync(`${d}/objects`) && existsSync(`${d}/refs`)) return d;
  return undefined;
}
