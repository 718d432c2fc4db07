// snapshot-throttle (issue 7): on a generated 50,000-file work tree (x size), createSnapshotter's
// first snapshot and its re-snapshot after touching 10 files, against raw `git add . && git
// write-tree` on the same tree in the same run (ratio; target <= 1.1x); and a burst of 50 track()
// requests spread over 1 s (snapshot runs and git processes spawned; target <= 2 runs).
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import { Bus, GitRunner } from "@gitmaint/core";
import { createSnapshotter } from "@gitmaint/plugins";
import { env, median, sleep, tempDir } from "../lib/util.mjs";

const REPS = 9;

export default {
  name: "snapshot",
  async run({ log, size = 1 }) {
    // GitRunner's children inherit process.env: isolate them like the raw runs.
    for (const k of Object.keys(process.env)) if (k.startsWith("GIT_")) delete process.env[k];
    Object.assign(process.env, { GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" });

    const files = Math.round(50_000 * size);
    const work = tempDir("snap-work-");
    log(`generating ${files} files`);
    for (let i = 0; i < files; i++) {
      const dir = join(work, `d${Math.floor(i / 500)}`, `s${Math.floor(i / 50) % 10}`);
      if (i % 50 === 0) mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `f${i}.txt`), `file ${i}\n${"x".repeat(i % 200)}\n`);
    }
    const sides = tempDir("snap-sides-");
    const raw = (gitDir) => {
      execFileSync("git", [`--git-dir=${gitDir}`, `--work-tree=${work}`, "add", "."], { cwd: work, env });
      return execFileSync("git", [`--git-dir=${gitDir}`, "write-tree"], { cwd: work, env, encoding: "utf8" }).trim();
    };
    const timed = async (fn) => {
      const t = process.hrtime.bigint();
      const value = await fn();
      return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
    };

    // First snapshot: two rounds, alternating which goes first (page cache, noisy neighbours).
    const firstMine = [];
    const firstRaw = [];
    const firstOverhead = [];
    let snap;
    let rawDir;
    // Time spent in add/update-index/write-tree (what raw also does); the rest is our overhead.
    const stepBus = new Bus();
    let stepMs = 0;
    stepBus.on("git.finished", (e) => {
      if (e.argv.some((a) => a === "add" || a === "write-tree" || a === "update-index")) stepMs += e.durationMs;
    });
    const stepRunner = new GitRunner({ bus: stepBus });
    for (let round = 0; round < 3; round++) {
      const mineDir = join(sides, `mine-${round}.git`);
      rawDir = join(sides, `raw-${round}.git`);
      execFileSync("git", ["init", "-q", "--bare", rawDir], { env });
      snap = createSnapshotter({ gitDir: mineDir, workTree: work, minIntervalMs: 0, timeoutMs: 600_000, git: stepRunner });
      const order = round % 2 === 0 ? ["mine", "raw"] : ["raw", "mine"];
      for (const which of order) {
        if (which === "mine") {
          stepMs = 0;
          const r = await timed(() => snap.track());
          firstMine.push(r.ms);
          firstOverhead.push(r.ms - stepMs);
          log(`  first snapshot (createSnapshotter): ${r.ms.toFixed(0)} ms, of which ${(r.ms - stepMs).toFixed(0)} ms outside add + write-tree`);
        } else {
          const r = await timed(() => raw(rawDir));
          firstRaw.push(r.ms);
          log(`  first snapshot (raw add + write-tree): ${r.ms.toFixed(0)} ms`);
        }
      }
    }

    // Re-snapshot after touching 10 files.
    const reMine = [];
    const reRaw = [];
    let same = true;
    for (let rep = 0; rep < REPS; rep++) {
      for (let k = 0; k < 10; k++) {
        const i = (rep * 977 + k * 4999) % files;
        appendFileSync(join(work, `d${Math.floor(i / 500)}`, `s${Math.floor(i / 50) % 10}`, `f${i}.txt`), `touch ${rep}\n`);
      }
      const order = rep % 2 === 0 ? ["mine", "raw"] : ["raw", "mine"];
      const trees = {};
      for (const which of order) {
        if (which === "mine") {
          const r = await timed(() => snap.track({ force: true }));
          reMine.push(r.ms);
          trees.mine = r.value.tree;
        } else {
          const r = await timed(() => raw(rawDir));
          reRaw.push(r.ms);
          trees.raw = r.value;
        }
      }
      same &&= trees.mine === trees.raw;
    }
    log(`  re-snapshot medians: mine ${median(reMine).toFixed(0)} ms, raw ${median(reRaw).toFixed(0)} ms (same trees: ${same})`);

    // Burst: 50 requests over 1 s after a change, default throttle (minIntervalMs 1000).
    const bus = new Bus();
    const spawned = [];
    bus.on("git.started", (e) => void spawned.push(e.argv.find((a, i) => !a.startsWith("-") && e.argv[i - 1] !== "-c") ?? ""));
    const burst = createSnapshotter({ gitDir: join(sides, "mine-1.git"), workTree: work, git: new GitRunner({ bus }), timeoutMs: 600_000 });
    appendFileSync(join(work, "d0", "s0", "f0.txt"), "burst\n");
    const calls = [];
    const burstStart = Date.now();
    for (let i = 0; i < 50; i++) {
      calls.push(burst.track());
      await sleep(20);
    }
    const results = await Promise.all(calls);
    const burstMs = Date.now() - burstStart;
    const writeTrees = spawned.filter((s) => s === "write-tree").length;
    const addRuns = spawned.filter((s) => s === "add" || s === "update-index").length;
    const fresh = results.filter((r) => r.fresh).length;
    log(`  burst: ${writeTrees} snapshot runs, ${spawned.length} git processes (${spawned.join(" ")}), ${fresh} fresh answers, ${burstMs} ms`);

    const metrics = {
      files,
      firstMineMedianMs: median(firstMine),
      firstRawMedianMs: median(firstRaw),
      firstRatio: median(firstMine) / median(firstRaw),
      firstOverheadMedianMs: median(firstOverhead),
      firstRatioFromOverhead: (median(firstRaw) + median(firstOverhead)) / median(firstRaw),
      resnapshotMineMedianMs: median(reMine),
      resnapshotRawMedianMs: median(reRaw),
      resnapshotRatio: median(reMine) / median(reRaw),
      resnapshotSameTreeAsRaw: same,
      burstRequests: 50,
      burstSnapshotRuns: writeTrees,
      burstAddRuns: addRuns,
      burstGitProcesses: spawned.length,
      burstFreshAnswers: fresh,
    };
    return {
      metrics,
      targets: { firstRatio: "<= 1.1", resnapshotRatio: "<= 1.1", burstSnapshotRuns: "<= 2" },
      table: [
        { what: `first snapshot, ${files} files`, mineMs: metrics.firstMineMedianMs, rawMs: metrics.firstRawMedianMs, ratio: metrics.firstRatio },
        { what: "  first: our own overhead (outside add + write-tree)", mineMs: metrics.firstOverheadMedianMs, rawMs: "", ratio: metrics.firstRatioFromOverhead },
        { what: "re-snapshot after touching 10 files", mineMs: metrics.resnapshotMineMedianMs, rawMs: metrics.resnapshotRawMedianMs, ratio: metrics.resnapshotRatio },
        { what: "burst: 50 track() in 1 s -> snapshot runs", mineMs: burstMs, rawMs: "", ratio: writeTrees },
        { what: "burst: git processes spawned (all kinds)", mineMs: "", rawMs: "", ratio: spawned.length },
      ],
    };
  },
};
