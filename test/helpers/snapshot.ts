/**
 * Helpers for the snapshot tests: generated work trees, an independent `git add && write-tree`
 * to compare trees with, leftover counting, and git subcommands of GitRunner events.
 */
import { mkdirSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { git, tempDir } from "./fixtures.js";

/** Points the git children GitRunner spawns at an isolated HOME without system/global config. */
export function isolateGitEnv(): void {
  process.env.HOME = tempDir("home-");
  process.env.GIT_CONFIG_NOSYSTEM = "1";
  process.env.GIT_CONFIG_GLOBAL = "/dev/null";
  for (const k of ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"]) delete process.env[k];
}

/** A work tree with `files` small files in directories of 100. */
export function makeWorkTree(files: number, tag = "v1"): string {
  const dir = tempDir("work-");
  writeFiles(dir, files, tag);
  return dir;
}

export function writeFiles(dir: string, files: number, tag: string): void {
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.txt`), `file ${i} ${tag}\n`);
  }
}

/** The tree an independent, plain `git add -A . && git write-tree` writes for the work tree. */
export function independentTree(workTree: string): string {
  const side = join(tempDir("indep-"), "side.git");
  git(workTree, ["init", "-q", "--bare", side]);
  git(workTree, [`--git-dir=${side}`, `--work-tree=${workTree}`, "add", "-A", "."]);
  return git(workTree, [`--git-dir=${side}`, "write-tree"]);
}

/** Leftovers in a side git dir: index.lock, tmp_obj_* in the fan-out dirs, objects/pack/tmp_*. */
export function leftoversIn(gitDir: string): string[] {
  const out: string[] = [];
  if (existsSync(join(gitDir, "index.lock"))) out.push("index.lock");
  const objects = join(gitDir, "objects");
  for (const fan of safeList(objects)) {
    if (/^[0-9a-f]{2}$/.test(fan)) for (const n of safeList(join(objects, fan))) if (n.startsWith("tmp_obj_")) out.push(`objects/${fan}/${n}`);
  }
  for (const n of safeList(join(objects, "pack"))) if (n.startsWith("tmp_")) out.push(`objects/pack/${n}`);
  return out;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const WITH_VALUE = new Set(["-c", "-C", "--git-dir", "--work-tree"]);

/** The git subcommand of an argv as GitRunner reports it (after global options). */
export function subcommandOf(argv: readonly string[]): string {
  const start = argv[0] === "git" || argv[0]?.endsWith("/git") ? 1 : 0;
  for (let i = start; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (!a.startsWith("-")) return a;
  }
  return "";
}

/** Number of open descriptors of this process. */
export function fdCount(): number {
  return readdirSync("/proc/self/fd").length;
}
