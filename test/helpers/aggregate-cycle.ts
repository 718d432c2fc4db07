/**
 * Helpers for driving one aggregation cycle (cycle.ts `runCycle`) directly on a real repository
 * with a real GitRunner: a minimal CycleCtx (journal entries collected in memory, state in a Map),
 * and small real packs built with `git pack-objects` from explicit object lists.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GitRunner, type GitRunnerApi, type GitRunOptions, type JournalEntry, type Repository } from "@gitmaint/core";
import { runCycle, type CycleCtx, type CycleEnv, type CycleResult } from "../../packages/plugins/src/aggregate-during-repack/cycle.js";
import { defaultOptions, type AggregateOptions } from "../../packages/plugins/src/aggregate-during-repack/options.js";
import type { ProtectedSet } from "../../packages/plugins/src/aggregate-during-repack/protect.js";
import { git, gitEnv, repoOf } from "./fixtures.js";

export type Recorded = Omit<JournalEntry, "at" | "pid" | "plugin">;

/** A GitRunner whose children get the tests' isolated git environment. */
export function testGitRunner(): GitRunnerApi {
  const runner = new GitRunner();
  const env = gitEnv() as Record<string, string | undefined>;
  const withEnv = (o?: GitRunOptions): GitRunOptions => ({ ...o, env: { ...env, ...o?.env } });
  return {
    run: (args, o) => runner.run(args, withEnv(o)),
    spawn: (args, o) => runner.spawn(args, withEnv(o)),
    version: () => runner.version(),
    atLeast: (a, b, c) => runner.atLeast(a, b, c),
    live: () => runner.live(),
    kill: (id) => runner.kill(id),
    killAll: () => runner.killAll(),
    withOwner: () => runner,
  };
}

export interface CycleRig {
  repo: Repository;
  records: Recorded[];
  /** Called with each entry before it is "written" (to check what is on disk at that moment). */
  onRecord?: (e: Recorded) => void;
  run(overrides?: Partial<CycleEnv>): Promise<CycleResult>;
}

/** One cycle's context on `path`: all packs are inputs at once (no settle time), no loose by default. */
export function cycleRig(path: string, options: Partial<AggregateOptions> = {}, protectedSet?: ProtectedSet): CycleRig {
  const repo = repoOf(path) as Repository;
  const state = new Map<string, unknown>();
  const rig: CycleRig = {
    repo,
    records: [],
    run: (overrides = {}) => runCycle(ctx, { ...env, ...overrides }),
  };
  const ctx: CycleCtx = {
    git: testGitRunner(),
    options: defaultOptions({ minPackAgeMs: 0, ...options }),
    name: "aggregate-during-repack",
    logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    state: {
      get: <T>(r: string, k: string) => Promise.resolve(state.get(`${r}\0${k}`) as T | undefined),
      set: (r: string, k: string, v: unknown) => Promise.resolve(void state.set(`${r}\0${k}`, v)),
    },
    record: (e) => {
      rig.onRecord?.(e);
      rig.records.push(e);
      return Promise.resolve();
    },
  };
  const env: CycleEnv = {
    repo,
    owner: { pid: process.pid, startTicks: 1 },
    watch: undefined,
    protectedSet,
    ours: new Set(),
    looseSince: Date.now() + 3_600_000,
    guard: () => Promise.resolve(undefined),
    dryRun: false,
    signal: new AbortController().signal,
    context: "test",
  };
  return rig;
}

/** Writes a pack of exactly these objects into objects/pack; returns its hash. */
export function packOf(repo: string, oids: string[]): string {
  return git(repo, ["pack-objects", "-q", join(repoOf(repo).packDir, "pack")], oids.join("\n") + "\n");
}

/** Object ids a pack's `.idx` lists (`git show-index`). */
export function packOids(repo: string, hash: string): string[] {
  const idx = readFileSync(join(repoOf(repo).packDir, `pack-${hash}.idx`));
  return git(repo, ["show-index"], idx)
    .split("\n")
    .map((l) => l.split(" ")[1] ?? "")
    .filter((s) => s.length > 0);
}

/** True when the repository has the object (`git cat-file -e`). */
export function hasObject(repo: string, oid: string): boolean {
  try {
    git(repo, ["cat-file", "-e", oid]);
    return true;
  } catch {
    return false;
  }
}

/** One new blob written loose; returns its id. */
export function blob(repo: string, content: string): string {
  return git(repo, ["hash-object", "-w", "--stdin"], content);
}
