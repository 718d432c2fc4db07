/**
 * The aggregate-during-repack torture scenario, shared by test/aggregate (short) and test/long:
 * a bare repository of ≥ 50,000 objects, real push clients + fast-import/hash-object writers, and a
 * full repack — cruft-writer's, or an external `git repack --cruft -d` / `git gc` gitmaint did not
 * start — with the aggregator on. Returns everything the assertions need.
 */
import { spawn } from "node:child_process";
import type { JournalEntry } from "@gitmaint/core";
import { expect } from "vitest";
import { fsckClean, generateRepo } from "./cruft.js";
import { cloneClients, prepareServer, verifyPushes, type PushLog } from "./cruft-push.js";
import { git, gitEnv, tempDir, waitFor } from "./fixtures.js";
import { gitmaintLeftovers, missingObjects, PackDirRecorder, packCount, startAgg, startLoad, type AggRig } from "./aggregate.js";

export type RepackKind = "cruft-writer" | "external-repack" | "external-gc";

export interface TortureOutcome {
  bare: string;
  rig: AggRig;
  repackOk: boolean;
  repackError: string | undefined;
  repackMs: number;
  log: PushLog;
  written: string[];
  writerErrors: string[];
  recorder: PackDirRecorder;
  journal: JournalEntry[];
  /** Pack count when the repack started and ended, and at most during it. */
  packsAtStart: number;
  packsAtEnd: number;
  maxDuring: number;
  pushesDuring: number;
  /** The aggregator's log lines (printed by a failing test). */
  logs: string[];
}

export async function torture(options: { kind: RepackKind; commits: number; clients: number; window?: number; blobBytes?: number; agg?: Record<string, unknown> }): Promise<TortureOutcome> {
  const bare = generateRepo({ commits: options.commits, filesPerCommit: 10, blobBytes: options.blobBytes ?? 1200, bare: true });
  // every object stored whole: the full repack then really searches for deltas (tens of seconds)
  git(bare, ["-c", "pack.threads=2", "repack", "-a", "-d", "-F", "--window=0", "-q"]);
  git(bare, ["config", "pack.window", String(options.window ?? 60)]);
  prepareServer(bare);
  const clients = cloneClients(bare, options.clients);
  const rig = await startAgg(bare, {
    stateDir: tempDir("state-"),
    watch: options.kind !== "cruft-writer",
    cruft: { packThreads: 1 },
    ...(options.agg ? { agg: options.agg } : {}),
  });
  const packDir = rig.repo.packDir;
  const logs: string[] = [];
  rig.engine.bus.on("log", (e) => {
    if (e.plugin === "aggregate-during-repack") logs.push(`${e.at % 100_000} ${e.level} ${e.message}`);
  });
  const recorder = new PackDirRecorder(packDir);
  const load = startLoad(bare, clients);
  await waitFor(() => load.log.pushes >= 6, { timeoutMs: 30_000, what: "first pushes" });

  const window = { start: 0, end: 0, maxDuring: 0, atStart: 0, atEnd: 0 };
  let inRepack = false;
  const sampler = setInterval(() => {
    if (inRepack) window.maxDuring = Math.max(window.maxDuring, packCount(packDir));
  }, 100);
  const repackStarted = () => {
    inRepack = true;
    window.start = Date.now();
    window.atStart = packCount(packDir);
  };
  const repackEnded = () => {
    inRepack = false;
    window.end = Date.now();
    window.atEnd = packCount(packDir);
  };
  rig.engine.bus.on("git.started", (e) => {
    if (e.owner === "cruft-writer" && e.argv.includes("repack")) repackStarted();
  });
  rig.engine.bus.on("git.finished", (e) => {
    if (e.owner === "cruft-writer" && e.argv.includes("repack")) repackEnded();
  });
  const pushesBefore = load.log.pushes;
  const started = Date.now();
  let repackOk = true;
  let repackError: string | undefined;
  if (options.kind === "cruft-writer") {
    try {
      const r = await rig.engine.runPlugin("cruft-writer", rig.repo.id, { args: { mode: "full" } });
      const data = r?.data as { skipped?: string } | undefined;
      if (data?.skipped) throw new Error(`skipped: ${data.skipped}`);
    } catch (error) {
      repackOk = false;
      repackError = String(error);
    }
  } else {
    const args = options.kind === "external-repack" ? ["-c", "pack.threads=1", "repack", "--cruft", "-d"] : ["-c", "pack.threads=1", "gc", "--quiet"];
    repackStarted();
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn("git", args, { cwd: bare, env: gitEnv(), stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr.on("data", (d) => (err += String(d)));
      child.on("exit", (c) => {
        if (c !== 0) repackError = err.slice(-2000);
        resolve(c);
      });
    });
    repackEnded();
    repackOk = code === 0;
  }
  clearInterval(sampler);
  void started;
  const repackMs = window.end - window.start;
  const packsAtEnd = window.atEnd;
  const maxDuring = Math.max(window.maxDuring, window.atEnd);
  const pushesDuring = load.log.pushes - pushesBefore;
  await load.stop();
  // the session ends within one cycle of the repack's exit
  await waitFor(
    async () => {
      const s = await rig.engine.runPlugin("aggregate-during-repack", rig.repo.id, { args: { mode: "status" } });
      return (s?.data as { session?: unknown }).session === undefined;
    },
    { timeoutMs: 15_000, what: "the aggregation session to end" },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; the plugin's last log lines:\n${logs.slice(-40).join("\n")}`);
  });
  recorder.stop();
  const journal = await rig.journal();
  return {
    bare,
    rig,
    repackOk,
    repackError,
    repackMs,
    log: load.log,
    written: load.written,
    writerErrors: load.writerErrors,
    recorder,
    journal,
    packsAtStart: window.atStart,
    packsAtEnd,
    maxDuring,
    pushesDuring,
    logs,
  };
}

/** Hashes the aggregator protected (from its journal notes) and the hashes it deleted. */
export function protectedAndDeleted(journal: JournalEntry[]): { protectedSet: Set<string>; deleted: Set<string>; cycles: number } {
  const protectedSet = new Set<string>();
  const deleted = new Set<string>();
  let cycles = 0;
  for (const e of journal) {
    if (e.plugin !== "aggregate-during-repack") continue;
    if (e.op === "note" && Array.isArray(e.details?.["protected"])) for (const h of e.details["protected"] as string[]) protectedSet.add(h);
    if (e.op === "delete" && Array.isArray(e.details?.["hashes"])) for (const h of e.details["hashes"] as string[]) deleted.add(h);
    if (e.op === "aggregate") cycles++;
  }
  return { protectedSet, deleted, cycles };
}

/** The torture assertions (see test/aggregate/torture.test.ts). */
export function assertTorture(t: TortureOutcome): void {
  expect(t.repackError).toBeUndefined();
  expect(t.repackOk).toBe(true);
  expect(t.log.errors).toEqual([]);
  expect(t.writerErrors).toEqual([]);
  const { protectedSet, deleted, cycles } = protectedAndDeleted(t.journal);
  expect(protectedSet.size).toBeGreaterThan(0);
  expect(cycles).toBeGreaterThan(0);
  // the aggregator never deleted a protected pack or a repack output
  for (const h of deleted) {
    expect(protectedSet.has(h)).toBe(false);
    expect(t.recorder.staging.has(h)).toBe(false);
  }
  // everything that left objects/pack was either journaled by the aggregator or listed by the repack
  for (const h of t.recorder.removed.keys()) expect(deleted.has(h) || protectedSet.has(h)).toBe(true);
  fsckClean(t.bare);
  expect(verifyPushes(t.bare, t.log)).toEqual([]);
  expect(missingObjects(t.bare, t.written)).toEqual([]);
  expect(gitmaintLeftovers(t.rig.repo.objectsDir)).toEqual([]);
}

