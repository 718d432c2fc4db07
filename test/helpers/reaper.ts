/**
 * Helpers for tmp-pack-reaper tests: an Engine with only the reaper loaded, real writers
 * (a `git index-pack --stdin` fed part of a pack), real holders (a shell holding an fd), and
 * reading the reaper's `run` results.
 */
import { execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Engine, type ActionEvent, type JournalEntry, type Repository } from "@gitmaint/core";
import { tmpPackReaper } from "@gitmaint/plugins";
import { git, gitEnv, spawnTracked, tempDir, waitFor } from "./fixtures.js";

export interface ReapData {
  deleted: { path: string; bytes: number; reason: string }[];
  kept: { path: string; reason: string }[];
  bytesFreed: number;
  problems: { path: string; error: string }[];
  dryRun: boolean;
}

export interface ReaperRig {
  engine: Engine;
  repo: Repository;
  actions: ActionEvent[];
  /** `gitmaint reap`: one pass through engine.runPlugin. */
  reap(args?: { minAgeMs?: number }, dryRun?: boolean): Promise<ReapData>;
  journal(): Promise<JournalEntry[]>;
  stop(): Promise<void>;
}

const rigs: ReaperRig[] = [];

/** Starts an Engine on `repoPath` with the reaper (options as in config). */
export async function startReaper(repoPath: string, options: Record<string, unknown> = {}, watch = false): Promise<ReaperRig> {
  const engine = await Engine.create({
    repos: [repoPath],
    plugins: [{ definition: tmpPackReaper, options, source: "builtin" }],
    stateDir: tempDir("state-"),
    watch,
  });
  const repo = engine.repos()[0]!;
  const actions: ActionEvent[] = [];
  engine.bus.on("action", (a) => void actions.push(a));
  const rig: ReaperRig = {
    engine,
    repo,
    actions,
    async reap(args = {}, dryRun = false) {
      const result = await engine.runPlugin("tmp-pack-reaper", repo.id, { dryRun, args, trigger: "cli" });
      if (!result) throw new Error("reaper returned no result");
      return result.data as ReapData;
    },
    journal: () => engine.journal.read(repo.id),
    stop: () => engine.shutdown(),
  };
  rigs.push(rig);
  return rig;
}

/** Shuts down every rig started (call before cleanupAll). */
export async function stopRigs(): Promise<void> {
  await Promise.all(rigs.splice(0).map((r) => r.stop().catch(() => {})));
}

/** A repo with incompressible content, and a pack of all its objects (for index-pack writers). */
export function packSource(kib = 256): { repo: string; pack: Buffer } {
  const repo = tempDir("src-");
  git(repo, ["init", "-q", "-b", "main"]);
  const random = Buffer.alloc(kib * 1024);
  for (let i = 0; i < random.length; i++) random[i] = (Math.random() * 256) | 0;
  writeFileSync(join(repo, "random.bin"), random);
  git(repo, ["add", "-A"]);
  git(repo, ["commit", "-q", "-m", "random"]);
  const pack = execFileSync("git", ["pack-objects", "--revs", "--all", "--stdout", "-q"], {
    cwd: repo,
    env: gitEnv(),
    input: "",
    maxBuffer: 1 << 30,
  });
  return { repo, pack };
}

/** Names in the pack dir starting with tmp_pack_. */
export function tmpPacks(packDir: string): string[] {
  return existsSync(packDir) ? readdirSync(packDir).filter((n) => n.startsWith("tmp_pack_")) : [];
}

/**
 * Starts `git index-pack --stdin` in `repoDir`, feeds it the first half of `pack` and keeps stdin
 * open: a live writer of a new `objects/pack/tmp_pack_*`. Resolves once that file exists and has data.
 */
export async function startIndexPack(repoDir: string, packDir: string, pack: Buffer): Promise<{ child: ChildProcess; path: string }> {
  const before = new Set(tmpPacks(packDir));
  const child = spawnTracked("git", ["index-pack", "--stdin"], { cwd: repoDir, stdio: ["pipe", "ignore", "ignore"] });
  child.stdin!.on("error", () => {}); // EPIPE once it is killed
  child.stdin!.write(pack.subarray(0, Math.floor(pack.length / 2)));
  const name = await waitFor(
    () => {
      const fresh = tmpPacks(packDir).find((n) => !before.has(n));
      return fresh && holdsPath(child.pid!, join(packDir, fresh)) ? fresh : undefined;
    },
    { what: "index-pack's tmp_pack file" },
  );
  const path = join(packDir, name as string);
  await waitFor(() => fileSize(path) > 4096, { what: "index-pack to write" });
  return { child, path };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** True when /proc/<pid>/fd has `path` open. */
export function holdsPath(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** A non-git process (sh → sleep) holding `path` open on fd 3. */
export async function holdOpen(path: string): Promise<ChildProcess> {
  const child = spawnTracked("sh", ["-c", 'exec 3<"$1"; exec sleep 600', "sh", path], { stdio: "ignore" });
  await waitFor(() => holdsPath(child.pid!, path), { what: `a holder of ${path}` });
  return child;
}

/** A live, idle process whose pid can be named in a file. */
export function livePid(): ChildProcess {
  return spawnTracked("sleep", ["600"], { stdio: "ignore" });
}

/** Kills a child and waits for it to be gone. */
export async function killAndWait(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(child.pid!, "SIGCONT");
  } catch {
    // already gone
  }
  child.kill(signal);
  await gone;
}

/** `git fsck --full` output (throws when fsck fails). */
export function fsck(repo: string): string {
  return git(repo, ["fsck", "--full", "--no-progress"]);
}
