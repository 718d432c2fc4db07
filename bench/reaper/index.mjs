// tmp-pack-reaper (issue 3): (a) cost of one liveness scan with 1,000 processes holding 50,000
// open fds (a /proc scan with descriptors + the holders index + git-process matching + the proof
// for one file, and a whole `reap` pass), target < 100 ms; (b) time from a gitmaint git child's
// death to the reclaim of its tmp_pack with minAge 0, target < 1 s.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { Engine, ProcessTable, scanTemporaries } from "@gitmaint/core";
import { tmpPackReaper } from "@gitmaint/plugins";
import { env, git, makeRepo, median, percentile, sleep, tempDir } from "../lib/util.mjs";

const FDS_PER_PROC = 50;

export default {
  name: "reaper",
  async run({ log, size = 1 }) {
    const procs = Math.round(1000 * size);
    const repoDir = makeRepo({ commits: 5, blobsPerCommit: 20, bare: true });
    const pack = packOf(repoDir);
    const stateDir = tempDir("state-");
    const holders = [];
    try {
      log(`reclaim latency on an idle machine (${10 * size} kills)`);
      const idle = await reclaimLatency(repoDir, pack, stateDir, 10 * size);
      log(`spawning ${procs} processes holding ${FDS_PER_PROC} fds each`);
      const spawnStart = Date.now();
      holders.push(...(await spawnHolders(procs)));
      log(`  spawned in ${Date.now() - spawnStart} ms`);
      const scan = await scanCost(repoDir, 15 * size);
      log(`  scan: ${scan.processes} processes, ${scan.fds} fds seen; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${availableParallelism()} cores`);
      log(`reclaim latency with them alive (${10 * size} kills)`);
      const loaded = await reclaimLatency(repoDir, pack, stateDir, 10 * size);
      const metrics = {
        processes: scan.processes,
        fds: scan.fds,
        scanMedianMs: median(scan.proof),
        scanP95Ms: percentile(scan.proof, 95),
        scanCpuMedianMs: median(scan.proofCpu),
        loadAverage1m: loadavg()[0],
        snapshotMedianMs: median(scan.snapshot),
        reapPassMedianMs: median(scan.pass),
        reclaimIdleMedianMs: median(idle.fromKill),
        reclaimIdleMaxMs: Math.max(...idle.fromKill),
        reclaimLoadedMedianMs: median(loaded.fromKill),
        reclaimLoadedP95Ms: percentile(loaded.fromKill, 95),
        reclaimLoadedMaxMs: Math.max(...loaded.fromKill),
        reclaimFromFinishedMedianMs: median(loaded.fromFinished),
      };
      return {
        metrics,
        targets: { scanMedianMs: "< 100", reclaimLoadedMaxMs: "< 1000" },
        table: [
          { what: `liveness proof (scan+fds+index+match), ${scan.processes} procs / ${scan.fds} fds`, medianMs: metrics.scanMedianMs, p95Ms: metrics.scanP95Ms },
          { what: "  same, CPU time of this process (wall time above includes waiting for a busy CPU)", medianMs: metrics.scanCpuMedianMs },
          { what: "  of which /proc scan with fds (wall)", medianMs: metrics.snapshotMedianMs },
          { what: "whole reap pass (dry run, 10 tmp files)", medianMs: metrics.reapPassMedianMs },
          { what: "reclaim after killed gitmaint child (idle)", medianMs: metrics.reclaimIdleMedianMs, maxMs: metrics.reclaimIdleMaxMs },
          { what: `reclaim after killed gitmaint child (${scan.processes} procs)`, medianMs: metrics.reclaimLoadedMedianMs, p95Ms: metrics.reclaimLoadedP95Ms, maxMs: metrics.reclaimLoadedMaxMs },
        ],
      };
    } finally {
      for (const h of holders) {
        try {
          h.kill("SIGKILL");
        } catch {
          // gone
        }
      }
      await Promise.all(holders.map((h) => (h.exitCode !== null || h.signalCode !== null ? null : new Promise((r) => h.once("exit", r)))));
    }
  },
};

/** `procs` bash→sleep processes, each holding FDS_PER_PROC distinct files open (fds 10..59). */
async function spawnHolders(procs) {
  const dir = tempDir("fds-");
  const files = 5000;
  for (let i = 0; i < files; i++) writeFileSync(join(dir, `f${i}`), "");
  const children = [];
  for (let i = 0; i < procs; i++) {
    const redirs = Array.from({ length: FDS_PER_PROC }, (_, k) => `${10 + k}<${dir}/f${(i * FDS_PER_PROC + k) % files}`).join(" ");
    const child = spawn("bash", ["-c", `exec ${redirs}; exec sleep 3600`], { stdio: "ignore" });
    children.push(child);
    if (i % 50 === 49) await sleep(20);
  }
  // wait until every holder has exec'd sleep with its fds
  for (const c of children) {
    for (let t = 0; t < 500; t++) {
      try {
        if (readdirSync(`/proc/${c.pid}/fd`).length >= FDS_PER_PROC && readCmd(c.pid) === "sleep") break;
      } catch {
        break;
      }
      await sleep(10);
    }
  }
  return children;
}

function readCmd(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

async function scanCost(repoDir, runs) {
  const table = new ProcessTable();
  const engine = await Engine.create({
    repos: [repoDir],
    plugins: [{ definition: tmpPackReaper, options: { minAgeMs: { tmp: 0, lock: 0, refLock: 0 }, sweepIntervalMs: 3_600_000 }, source: "builtin" }],
    stateDir: tempDir("state-"),
    watch: false,
  });
  const repo = engine.repos()[0];
  const packDir = repo.packDir;
  for (let i = 0; i < 10; i++) writeFileSync(join(packDir, `tmp_pack_bench${i}`), "x");
  const entry = (await scanTemporaries(repo)).entries[0];
  const proof = [];
  const proofCpu = [];
  const snapshot = [];
  const pass = [];
  let processes = 0;
  let fds = 0;
  try {
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      const snap = await table.scan({ fds: true });
      snapshot.push(performance.now() - t);
      t = performance.now();
      const cpu0 = process.cpuUsage();
      const s2 = await table.scan({ fds: true });
      await table.liveness(repo, entry, { snapshot: s2, slackMs: 0 });
      proof.push(performance.now() - t);
      const cpu = process.cpuUsage(cpu0);
      proofCpu.push((cpu.user + cpu.system) / 1000);
      processes = snap.processes.length;
      fds = snap.fdCount;
      t = performance.now();
      await engine.runPlugin("tmp-pack-reaper", repo.id, { dryRun: true, args: { minAgeMs: 0 } });
      pass.push(performance.now() - t);
    }
  } finally {
    await engine.shutdown();
  }
  return { proof, proofCpu, snapshot, pass, processes, fds };
}

/** Kills a gitmaint index-pack child mid-write (cleanupOnFailure off) and times the reaper's reclaim. */
async function reclaimLatency(repoDir, pack, stateDir, kills) {
  const engine = await Engine.create({
    repos: [repoDir],
    plugins: [{ definition: tmpPackReaper, options: { minAgeMs: { tmp: 0, lock: 0, refLock: 0 }, sweepIntervalMs: 3_600_000, slackMs: 0 }, source: "builtin" }],
    stateDir,
    watch: false,
  });
  const repo = engine.repos()[0];
  const fromKill = [];
  const fromFinished = [];
  try {
    for (let i = 0; i < kills; i++) {
      const before = new Set(tmpPacks(repo.packDir));
      const child = engine.git.spawn(["index-pack", "--stdin"], { repo, cleanupOnFailure: false });
      child.result.catch(() => {});
      child.stdin.on("error", () => {});
      child.stdin.write(pack.subarray(0, pack.length >> 1));
      let path;
      for (let t = 0; t < 1000 && !path; t++) {
        const name = tmpPacks(repo.packDir).find((n) => !before.has(n));
        if (name && statSync(join(repo.packDir, name)).size > 4096) path = join(repo.packDir, name);
        else await sleep(5);
      }
      if (!path) throw new Error("index-pack wrote no tmp_pack");
      let finishedAt;
      const off = engine.bus.on("git.finished", (e) => {
        if (e.pid === child.pid) finishedAt = performance.now();
      });
      const t0 = performance.now();
      child.kill();
      while (existsSync(path)) {
        if (performance.now() - t0 > 10_000) throw new Error(`not reclaimed within 10 s: ${path}`);
        await sleep(2);
      }
      const t1 = performance.now();
      off();
      fromKill.push(t1 - t0);
      if (finishedAt !== undefined) fromFinished.push(t1 - finishedAt);
    }
  } finally {
    await engine.shutdown();
  }
  return { fromKill, fromFinished };
}

function tmpPacks(dir) {
  return readdirSync(dir).filter((n) => n.startsWith("tmp_pack_"));
}

/** A pack of every object of the repo plus 256 KiB of incompressible data (so index-pack writes > 4 KiB). */
function packOf(repoDir) {
  const work = tempDir("work-");
  git(work, ["clone", "-q", repoDir, "."]);
  mkdirSync(join(work, "r"), { recursive: true });
  const random = Buffer.alloc(256 * 1024);
  for (let i = 0; i < random.length; i++) random[i] = (Math.random() * 256) | 0;
  writeFileSync(join(work, "r", "random.bin"), random);
  git(work, ["add", "-A"]);
  git(work, ["commit", "-q", "-m", "random"]);
  return execBuffer(work, ["pack-objects", "--revs", "--all", "--stdout", "-q"]);
}

function execBuffer(cwd, args) {
  return execFileSync("git", args, { cwd, env, input: "", maxBuffer: 1 << 30 });
}
