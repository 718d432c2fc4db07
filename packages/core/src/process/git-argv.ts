/**
 * Recognising git processes from argv/comm and parsing their command line: the subcommand
 * (after git's global options), its role, and the directories it names (-C, --git-dir, ...).
 */
import { basename } from "node:path";
import type { GitRole } from "./types.js";

/** What a git command line says about the process. */
export interface GitInvocation {
  /** The subcommand (`repack`, `upload-pack`...), undefined for a bare `git` or `git --version`. */
  subcommand: string | undefined;
  role: GitRole;
  /** `-C` directories in order (each relative to the previous one). */
  chdirs: string[];
  gitDir: string | undefined;
  workTree: string | undefined;
  /** Directory arguments of commands that take a repository path (upload-pack, receive-pack, init, clone...). */
  repoArgs: string[];
}

const ROLES: Record<string, GitRole> = {
  repack: "repack",
  gc: "gc",
  maintenance: "maintenance",
  "pack-objects": "pack-objects",
  "index-pack": "index-pack",
  "receive-pack": "receive-pack",
  "upload-pack": "upload-pack",
  fetch: "fetch",
  "fetch-pack": "fetch",
  prune: "prune",
  "prune-packed": "prune",
  "commit-graph": "commit-graph",
  "multi-pack-index": "multi-pack-index",
  add: "add",
};

/** Global options that take their value as the next argument. */
const GLOBAL_WITH_VALUE = new Set(["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--super-prefix", "--config-env"]);

/** Subcommands whose first positional argument is a repository directory. */
const REPO_ARG_COMMANDS = new Set(["upload-pack", "receive-pack", "upload-archive", "init", "clone"]);

/**
 * True for a git process: argv[0]'s basename is `git` or `git-*` (e.g. `/usr/lib/git-core/git`,
 * `git-upload-pack`), or — when argv is unreadable or rewritten — comm is `git` or `git-*`.
 */
export function isGitProcess(argv: readonly string[], comm: string): boolean {
  const a0 = argv[0];
  if (a0 !== undefined && isGitName(basename(a0))) return true;
  return isGitName(comm);
}

function isGitName(name: string): boolean {
  return name === "git" || name.startsWith("git-");
}

/** Maps a subcommand to its role ("other" for anything not listed). */
export function roleOf(subcommand: string | undefined): GitRole {
  return (subcommand !== undefined && ROLES[subcommand]) || "other";
}

/** Parses a git command line (argv[0] included). */
export function parseGitArgv(argv: readonly string[], comm = ""): GitInvocation {
  const inv: GitInvocation = { subcommand: undefined, role: "other", chdirs: [], gitDir: undefined, workTree: undefined, repoArgs: [] };
  const a0 = argv[0] !== undefined ? basename(argv[0]) : comm;
  let i = 1;
  if (a0.startsWith("git-")) {
    inv.subcommand = a0.slice(4);
  } else {
    for (; i < argv.length; i++) {
      const arg = argv[i]!;
      if (!arg.startsWith("-")) break;
      const eq = arg.indexOf("=");
      const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
      const inlineValue = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : undefined;
      let value = inlineValue;
      if (value === undefined && GLOBAL_WITH_VALUE.has(name)) value = argv[++i];
      if (value === undefined) continue;
      if (name === "-C") inv.chdirs.push(value);
      else if (name === "--git-dir") inv.gitDir = value;
      else if (name === "--work-tree") inv.workTree = value;
    }
    inv.subcommand = argv[i];
    i++;
  }
  inv.role = roleOf(inv.subcommand);
  if (inv.subcommand !== undefined && REPO_ARG_COMMANDS.has(inv.subcommand)) {
    // The directory is the last positional argument (`clone <url> <dir>`, `upload-pack <dir>`).
    // An option's separate value may be taken instead: that only adds a candidate (conservative).
    const dir = argv.slice(i).filter((a) => !a.startsWith("-")).pop();
    if (dir !== undefined) inv.repoArgs.push(dir);
  }
  return inv;
}
