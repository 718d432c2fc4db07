/**
 * Randomized reaper trials (shared by test/reaper/random.test.ts and the long run): each round
 * creates files with random scenarios — dead writers (exited shells, SIGKILLed index-pack, dead
 * named pids) and live ones (fd holders, running and SIGSTOPped index-pack, live named pids,
 * closed files younger than a live git process) — all with an old mtime, runs one reap pass with
 * every grace at 0, and checks: every dead file reaped and journaled, zero live files touched.
 */
import { execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, relative } from "node:path";
import { makeRepo, spawnTracked, waitFor } from "./fixtures.js";
import { holdsPath, killAndWait, packSource, startIndexPack, startReaper, type ReaperRig } from "./reaper.js";

const SLACK = 100;
const HOUR_AGO = new Date(Date.now() - 3_600_000);

type DeadKind = "sh-tmp" | "sh-quarantine" | "sh-ref-lock" | "sh-lock" | "dead-staging" | "dead-keep" | "killed-index-pack";
type LiveKind = "held" | "held-lock" | "index-pack" | "stopped-index-pack" | "live-staging" | "live-keep" | "younger-than-git";
const DEAD: DeadKind[] = ["sh-tmp", "sh-tmp", "sh-quarantine", "sh-ref-lock", "sh-lock", "dead-staging", "dead-keep", "killed-index-pack"];
const LIVE: LiveKind[] = ["held", "held-lock", "index-pack", "stopped-index-pack", "live-staging", "live-keep", "younger-than-git"];
const SINGLE_LOCKS = ["index.lock", "config.lock", "HEAD.lock", "shallow.lock", "objects/maintenance.lock", "packed-refs.new"];

/** mulberry32: a small seeded PRNG so a failing seed can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomReport {
  trials: number;
  rounds: number;
  dead: number;
  live: number;
  byKind: Record<string, number>;
}

interface Round {
  rig: ReaperRig;
  git: string;
  next: () => number;
  pick<T>(items: readonly T[]): T;
  id: () => string;
  dead: string[];
  live: { path: string; size: number }[];
  procs: ChildProcess[];
  singles: string[];
}

const hex = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join("");

/** Runs `trials` random trials in rounds of `perRound`; throws with the seed on the first violation. */
export async function runRandomTrials(trials: number, seed: number, perRound = 40): Promise<RandomReport> {
  const report: RandomReport = { trials: 0, rounds: 0, dead: 0, live: 0, byKind: {} };
  const { pack } = packSource(96);
  const repoDir = makeRepo({ bare: true });
  const rig = await startReaper(repoDir, { slackMs: SLACK, minAgeMs: { tmp: 0, lock: 0, refLock: 0 }, sweepIntervalMs: 3_600_000 });
  const next = rng(seed);
  let counter = 0;
  while (report.trials < trials) {
    const n = Math.min(perRound, trials - report.trials);
    const round: Round = {
      rig,
      git: rig.repo.commonDir,
      next,
      pick: (items) => items[Math.floor(next() * items.length)]!,
      id: () => `${seed}_${counter++}`,
      dead: [],
      live: [],
      procs: [],
      singles: [...SINGLE_LOCKS],
    };
    const kinds = Array.from({ length: n }, () => (next() < 0.5 ? round.pick(DEAD) : round.pick(LIVE)));
    for (const k of kinds) report.byKind[k] = (report.byKind[k] ?? 0) + 1;
    try {
      await makeDead(round, kinds.filter((k): k is DeadKind => (DEAD as string[]).includes(k)), pack);
      // Every live git below must start after the dead files' last change + slack. Process start
      // times derive from /proc/stat's btime, whole seconds: they can read up to 1 s early.
      await new Promise((r) => setTimeout(r, 1000 + SLACK * 3));
      await makeLive(round, kinds.filter((k): k is LiveKind => (LIVE as string[]).includes(k)), pack);
      await check(round, seed, report.rounds);
    } finally {
      for (const p of round.procs) await killAndWait(p);
      for (const p of [...round.dead, ...round.live.map((l) => l.path)]) rmSync(p, { recursive: true, force: true });
    }
    report.trials += n;
    report.rounds++;
    report.dead += round.dead.length;
    report.live += round.live.length;
  }
  return report;
}

/** Writes all dead files of the round with ONE shell that then exits (plus killed index-packs). */
async function makeDead(round: Round, kinds: DeadKind[], pack: Buffer): Promise<void> {
  const script: string[] = [];
  const deadPid = await exitedPid();
  for (const kind of kinds) {
    const id = round.id();
    let path: string;
    switch (kind) {
      case "sh-tmp": {
        const name = round.pick(["objects/pack/tmp_pack_", "objects/pack/tmp_idx_", "objects/pack/tmp_rev_", "objects/info/commit-graphs/tmp_graph_", `objects/${hex(round.next, 2)}/tmp_obj_`]);
        path = join(round.git, `${name}${id}`);
        break;
      }
      case "sh-quarantine":
        path = join(round.git, "objects", `tmp_objdir-incoming-${id}`);
        script.push(`mkdir -p '${path}/ab' && printf q > '${path}/ab/obj'`);
        round.dead.push(path);
        continue;
      case "sh-ref-lock":
        path = join(round.git, "refs", "heads", `t${id}.lock`);
        break;
      case "sh-lock": {
        const single = round.singles.shift();
        path = single ? join(round.git, single) : join(round.git, "refs", "tags", `l${id}.lock`);
        break;
      }
      case "dead-staging":
        path = join(round.git, "objects", "pack", `.tmp-${deadPid}-pack-${hex(round.next, 40)}.pack`);
        break;
      case "dead-keep":
        path = join(round.git, "objects", "pack", `pack-${hex(round.next, 40)}.keep`);
        script.push(`printf 'receive-pack ${deadPid} on ${hostname()}\\n' > '${path}'`);
        round.dead.push(path);
        continue;
      case "killed-index-pack": {
        const w = await startIndexPack(round.git, round.rig.repo.packDir, pack);
        await killAndWait(w.child);
        round.dead.push(w.path);
        continue;
      }
    }
    mkdirSync(dirname(path), { recursive: true });
    script.push(`printf dead > '${path}'`);
    round.dead.push(path);
  }
  if (script.length > 0) execFileSync("sh", ["-c", script.join("\n")]);
  for (const p of round.dead) ageOld(p);
}

/** Creates the live files: each has a live holder, writer or named owner. */
async function makeLive(round: Round, kinds: LiveKind[], pack: Buffer): Promise<void> {
  let owner: ChildProcess | undefined;
  const ownerPid = (): number => {
    if (!owner) {
      owner = spawnTracked("sleep", ["600"], { stdio: "ignore" });
      round.procs.push(owner);
    }
    return owner.pid!;
  };
  let gitStarted = false;
  for (const kind of kinds) {
    const id = round.id();
    const packDir = round.rig.repo.packDir;
    let path: string;
    switch (kind) {
      case "held":
      case "held-lock": {
        path = kind === "held" ? join(packDir, `tmp_pack_h${id}`) : join(round.git, "refs", "heads", `h${id}.lock`);
        mkdirSync(dirname(path), { recursive: true });
        execFileSync("sh", ["-c", `printf live > '${path}'`]);
        const holder = spawnTracked("sh", ["-c", 'exec 3<"$1"; exec sleep 600', "sh", path], { stdio: "ignore" });
        round.procs.push(holder);
        await waitFor(() => holdsPath(holder.pid!, path), { what: "holder" });
        break;
      }
      case "index-pack":
      case "stopped-index-pack": {
        const w = await startIndexPack(round.git, packDir, pack);
        round.procs.push(w.child);
        if (kind === "stopped-index-pack") process.kill(w.child.pid!, "SIGSTOP");
        path = w.path;
        break;
      }
      case "live-staging":
        path = join(packDir, `.tmp-${ownerPid()}-pack-${hex(round.next, 40)}.idx`);
        execFileSync("sh", ["-c", `printf live > '${path}'`]);
        break;
      case "live-keep":
        path = join(packDir, `pack-${hex(round.next, 40)}.keep`);
        execFileSync("sh", ["-c", `printf 'receive-pack ${ownerPid()} on ${hostname()}\\n' > '${path}'`]);
        break;
      case "younger-than-git": {
        if (!gitStarted) {
          const g = spawnTracked("git", ["cat-file", "--batch"], { cwd: round.git, stdio: ["pipe", "ignore", "ignore"] });
          round.procs.push(g);
          await waitFor(() => existsSync(`/proc/${g.pid}/cwd`), { what: "git cat-file" });
          gitStarted = true;
        }
        path = join(packDir, `tmp_idx_y${id}`);
        execFileSync("sh", ["-c", `printf closed > '${path}'`]);
        break;
      }
    }
    ageOld(path);
    round.live.push({ path, size: statSync(path).size });
  }
}

async function check(round: Round, seed: number, roundNo: number): Promise<void> {
  const data = await round.rig.reap({ minAgeMs: 0 });
  const where = `seed ${seed} round ${roundNo}`;
  for (const l of round.live) {
    if (!existsSync(l.path) || statSync(l.path).size < l.size) {
      const rel = relative(round.git, l.path);
      throw new Error(`${where}: LIVE file touched: ${rel} (${data.deleted.find((d) => d.path === rel)?.reason ?? "?"})`);
    }
  }
  const journaled = new Set((await round.rig.journal()).filter((e) => e.op === "delete").map((e) => e.path));
  for (const d of round.dead) {
    const rel = relative(round.git, d);
    if (existsSync(d)) throw new Error(`${where}: dead file not reaped: ${rel} (${data.kept.find((k) => k.path === rel)?.reason ?? "not listed"})`);
    if (!journaled.has(rel)) throw new Error(`${where}: deletion of ${rel} not journaled`);
  }
}

function ageOld(path: string): void {
  utimesSync(path, HOUR_AGO, HOUR_AGO);
}

/** The pid of a process that has exited (a dead owner to name in files). */
async function exitedPid(): Promise<number> {
  const child = spawnTracked("true", [], { stdio: "ignore" });
  await new Promise<void>((r) => child.once("exit", () => r()));
  return child.pid!;
}
