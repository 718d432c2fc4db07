/** Builds a git child's command line, environment and working directory from GitRunOptions. */
import type { GitRunOptions } from "./types.js";

export interface Invocation {
  /** Everything after the binary: global options (`--git-dir`, `-c`) then the caller's args. */
  fullArgs: string[];
  env: Record<string, string>;
  cwd: string;
}

/**
 * With `repo`: `--git-dir=<gitDir>` and the `-c key=value` pairs go before the subcommand and the
 * child runs in the work tree (or the git dir when bare). The environment is gitmaint's own with
 * `options.env` applied on top (an `undefined` value removes the variable), then always
 * `GIT_TERMINAL_PROMPT=0` and `LC_ALL=C` (so git never prompts and messages and progress parse).
 */
export function buildInvocation(args: readonly string[], options: GitRunOptions): Invocation {
  const globals: string[] = [];
  if (options.repo) globals.push(`--git-dir=${options.repo.gitDir}`);
  for (const [key, value] of Object.entries(options.config ?? {})) globals.push("-c", `${key}=${value}`);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  // Last, so a caller's environment (often a copy of process.env) cannot break parsing or hang.
  env.GIT_TERMINAL_PROMPT = "0";
  env.LC_ALL = "C";
  const cwd = options.cwd ?? options.repo?.workTree ?? options.repo?.gitDir ?? process.cwd();
  return { fullArgs: [...globals, ...args], env, cwd };
}

/** Global options of git that take a separate value (`-C dir`, `-c k=v`, ...). */
const GLOBAL_WITH_VALUE = new Set(["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env", "--super-prefix"]);

/** The subcommand of a git argv (first word that is not a global option), or "" if none. */
export function subcommandOf(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (GLOBAL_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith("-")) continue;
    return a;
  }
  return "";
}
