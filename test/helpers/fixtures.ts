/**
 * Test fixtures: real git repositories in temp dirs with an isolated HOME and no system config,
 * and tracking of every child process a test starts so `cleanupAll()` can kill them.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Repository } from "@gitmaint/core";

const tempDirs: string[] = [];
const children = new Set<ChildProcess>();

/** Environment for git in tests: isolated HOME, no system/global config, fixed identity. */
export function gitEnv(home?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("GIT_")) delete env[k];
  return {
    ...env,
    HOME: home ?? sharedHome(),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "Test",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "Test",
    GIT_COMMITTER_EMAIL: "test@example.com",
    GIT_TERMINAL_PROMPT: "0",
  };
}

let home: string | undefined;
function sharedHome(): string {
  if (!home) home = tempDir("home-");
  return home;
}

/** A new temp dir (realpath'd), removed by cleanupAll(). */
export function tempDir(prefix = "gitmaint-test-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  tempDirs.push(dir);
  return dir;
}

/** Runs git synchronously and returns trimmed stdout; throws on failure. */
export function git(cwd: string, args: string[], input?: string | Buffer): string {
  return execFileSync("git", args, {
    cwd,
    env: gitEnv(),
    input,
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    stdio: ["pipe", "pipe", "pipe"],
  }).trim();
}

export interface RepoOptions {
  bare?: boolean;
  /** Number of commits to create (each adds files). Default 1. */
  commits?: number;
  /** Files per commit. Default 3. */
  filesPerCommit?: number;
}

/** Creates a repository with some commits. Returns its path (work tree, or git dir when bare). */
export function makeRepo(options: RepoOptions = {}): string {
  const dir = tempDir("repo-");
  const commits = options.commits ?? 1;
  const files = options.filesPerCommit ?? 3;
  const work = options.bare ? tempDir("work-") : dir;
  git(work, ["init", "-q", "-b", "main"]);
  for (let c = 0; c < commits; c++) {
    for (let f = 0; f < files; f++) {
      mkdirSync(join(work, `d${f % 4}`), { recursive: true });
      writeFileSync(join(work, `d${f % 4}`, `f${c}-${f}.txt`), `commit ${c} file ${f}\n${"x".repeat(c + f)}\n`);
    }
    git(work, ["add", "-A"]);
    git(work, ["commit", "-q", "-m", `commit ${c}`]);
  }
  if (!options.bare) return dir;
  git(dir, ["init", "-q", "--bare", "-b", "main"]);
  git(work, ["push", "-q", dir, "main"]);
  return dir;
}

/** Writes `count` blobs as loose objects (unreachable) and returns their ids. */
export function writeLooseBlobs(repo: string, count: number, tag = "blob"): string[] {
  const input = Array.from({ length: count }, (_, i) => `${tag} ${i} ${Math.random()}`).join("\n");
  const dir = tempDir("blobs-");
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const p = join(dir, `b${i}`);
    writeFileSync(p, `${tag} ${i} ${process.pid} ${Date.now()} ${input.length}\n`);
    paths.push(p);
  }
  return git(repo, ["hash-object", "-w", "--stdin-paths"], paths.join("\n") + "\n").split("\n");
}

/** Spawns a tracked child (killed by cleanupAll). */
export function spawnTracked(cmd: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(cmd, args, { env: gitEnv(), stdio: "pipe", ...options });
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

/** Waits until the predicate holds, polling every `intervalMs`; throws after `timeoutMs`. */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 25, what = "condition" } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value as NonNullable<T>; // resolves only with a truthy value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Kills tracked children and removes temp dirs. Call from afterEach/afterAll. */
export async function cleanupAll(): Promise<void> {
  for (const child of children) {
    try {
      if (child.pid) process.kill(child.pid, "SIGCONT");
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  await Promise.all(
    [...children].map((c) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once("exit", () => r())))),
  );
  children.clear();
  for (const d of tempDirs.splice(0)) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      // best effort (a test may have made a dir unreadable)
    }
  }
}

/** A `Repository` for a path, computed with plain git (for tests that do not go through GitRunner). */
export function repoOf(path: string): Repository {
  const [gitDir = "", commonDir = "", bare = ""] = git(path, [
    "rev-parse",
    "--path-format=absolute",
    "--git-dir",
    "--git-common-dir",
    "--is-bare-repository",
  ]).split("\n");
  const cd = realpathSync(commonDir);
  const isBare = bare === "true";
  const objectsDir = join(cd, "objects");
  return {
    id: cd,
    gitDir: realpathSync(gitDir),
    commonDir: cd,
    objectsDir,
    packDir: join(objectsDir, "pack"),
    workTree: isBare ? null : realpathSync(path),
    bare: isBare,
    name: isBare ? cd.split("/").pop()! : realpathSync(path).split("/").pop()!,
  };
}
