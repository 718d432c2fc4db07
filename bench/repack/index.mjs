// cruft-writer (issue 4): on a generated bare repository with >= 200,000 objects x size, 20 %
// unreachable, gitmaint's full repack (cruft-writer `repack --full`) vs `git gc --prune=2.weeks.ago`
// on an identical copy, in the same run: wall time, peak RSS of the git process tree, resulting
// bytes. Two cases: unreachable objects younger than the grace (kept: cruft pack vs gc's loosened
// objects) and older (expired by both). Then geometric vs full on 100 small packs.
// Targets: full repack <= 1.1x gc's time, equal or smaller size.
import { spawn, execFileSync } from "node:child_process";
import { cpSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { Engine } from "@gitmaint/core";
import { cruftWriter } from "@gitmaint/plugins";
import { env, git, tempDir } from "../lib/util.mjs";

const DIRS = 100;
const FILES_PER_DIR = 20;
const FILES_PER_COMMIT = 40;
/** Objects one generated commit adds (blobs + trees + the commit), measured: 40 random paths of 2,000. */
const perCommit = 57;
/** Rounds per comparison (fresh copies each, alternating order; medians reported). */
const REPS = 3;

export default {
  name: "repack",
  async run({ log, size = 1 }) {
    const target = Math.round(200_000 * size * 1.01); // the generator lands within ~1 % below
    log(`generating a bare repository with ~${target} objects, 20 % unreachable (git fast-import)`);
    const t0 = Date.now();
    const base = generate(target);
    const counts = objectCounts(base);
    log(`  ${counts.total} objects (${counts.unreachable} unreachable, ${pct(counts.unreachable, counts.total)} %), ${packCount(base)} packs, ${mib(dirBytes(join(base, "objects")))} MiB, in ${secs(Date.now() - t0)} s`);

    const rows = [];
    const metrics = { objects: counts.total, unreachable: counts.unreachable };
    for (const [label, age] of [
      ["unreachable younger than the grace", 0],
      ["unreachable past the grace (30 days)", 30],
    ]) {
      // REPS rounds on fresh identical copies, alternating who goes first; medians reported.
      const runs = { gm: [], gc: [] };
      let sa;
      let sb;
      for (let rep = 0; rep < REPS; rep++) {
        const a = copyOf(base, age);
        const b = copyOf(base, age);
        const order = rep % 2 === 0 ? ["gm", "gc"] : ["gc", "gm"];
        for (const who of order) {
          if (who === "gm") {
            const m = await gitmaintRepack(a, "full");
            log(`${label}: gitmaint full repack ${secs(m.ms)} s (${m.detail}), peak tree RSS ${m.peakTreeMiB} MiB`);
            runs.gm.push(m);
          } else {
            const m = await measure(() => run(b, ["gc", "--prune=2.weeks.ago", "--quiet"]));
            log(`${label}: git gc --prune=2.weeks.ago ${secs(m.ms)} s, peak tree RSS ${m.peakTreeMiB} MiB`);
            runs.gc.push(m);
          }
        }
        sa = shape(a);
        sb = shape(b);
        checkSame(a, b);
        rmSync(join(a, ".."), { recursive: true, force: true });
        rmSync(join(b, ".."), { recursive: true, force: true });
      }
      const gm = medianRun(runs.gm);
      const gc = medianRun(runs.gc);
      const key = age === 0 ? "young" : "expired";
      rows.push(row(`${key}: gitmaint full (cruft), median of ${REPS}`, gm, sa), row(`${key}: git gc, median of ${REPS}`, gc, sb));
      Object.assign(metrics, {
        [`${key}GitmaintSec`]: gm.ms / 1000,
        [`${key}GcSec`]: gc.ms / 1000,
        [`${key}TimeRatio`]: gm.ms / gc.ms,
        [`${key}GitmaintRuns`]: runs.gm.map((r) => Math.round(r.ms) / 1000),
        [`${key}GcRuns`]: runs.gc.map((r) => Math.round(r.ms) / 1000),
        [`${key}GitmaintPeakTreeRssMiB`]: gm.peakTreeMiB,
        [`${key}GcPeakTreeRssMiB`]: gc.peakTreeMiB,
        [`${key}GitmaintBytes`]: sa.bytes,
        [`${key}GcBytes`]: sb.bytes,
        [`${key}SizeRatio`]: sa.bytes / sb.bytes,
        [`${key}GcLooseObjects`]: sb.loose,
      });
    }

    log("100 small packs on a repository: geometric vs full");
    const packed = generateSmallPacks(Math.round(50_000 * size), 100);
    const g = copyOf(packed, 0);
    const f = copyOf(packed, 0);
    const before = shape(packed);
    const geo = await gitmaintRepack(g, "geometric");
    log(`  geometric ${secs(geo.ms)} s (${geo.detail})`);
    const full = await gitmaintRepack(f, "full");
    log(`  full ${secs(full.ms)} s (${full.detail})`);
    const sg = shape(g);
    const sf = shape(f);
    rows.push(
      { case: `100 small packs: before (${before.objects} objects)`, packs: before.packs, loose: before.loose, MiB: mib(before.bytes) },
      row("100 small packs: gitmaint geometric", geo, sg),
      row("100 small packs: gitmaint full", full, sf),
    );
    Object.assign(metrics, {
      smallPacksBefore: before.packs,
      geometricSec: geo.ms / 1000,
      geometricPacks: sg.packs,
      geometricBytes: sg.bytes,
      geometricPeakTreeRssMiB: geo.peakTreeMiB,
      fullSec: full.ms / 1000,
      fullPacks: sf.packs,
      fullBytes: sf.bytes,
      fullPeakTreeRssMiB: full.peakTreeMiB,
    });
    return {
      metrics,
      targets: { youngTimeRatio: "<= 1.1", youngSizeRatio: "<= 1.0", expiredTimeRatio: "<= 1.1", expiredSizeRatio: "<= 1.0" },
      table: rows,
    };
  },
};

// ---------- repositories

/** Text for a path at a version: mostly stable lines, a few changing (delta-friendly). */
function content(path, version) {
  const lines = [];
  for (let k = 0; k < 12; k++) lines.push(`${path} line ${k} ${k < 3 ? `v${version} ${(version * 2654435761) % 1000003}` : "stable text for deltas"}`);
  return lines.join("\n") + "\n";
}

function* commits(branch, count, startVersion, seed, from) {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648), s);
  for (let c = 0; c < count; c++) {
    const msg = `${branch} ${startVersion + c}\n`;
    let out = `commit refs/heads/${branch}\ncommitter Bench <b@e> ${1_700_000_000 + startVersion + c} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}`;
    if (c === 0 && from) out += `from ${from}\n`;
    for (let f = 0; f < FILES_PER_COMMIT; f++) {
      const path = `d${rnd() % DIRS}/f${rnd() % FILES_PER_DIR}.txt`;
      const body = content(path, startVersion + c);
      out += `M 100644 inline ${path}\ndata ${Buffer.byteLength(body)}\n${body}\n`;
    }
    yield out + "\n";
  }
}

function fastImport(dir, branch, count, startVersion, seed, from) {
  const stream = [...commits(branch, count, startVersion, seed, from)].join("");
  execFileSync("git", ["-c", "fastimport.unpackLimit=0", "fast-import", "--quiet", "--force"], { cwd: dir, env, input: stream, maxBuffer: 1 << 30 });
}

/** ~80 % reachable history on main in 8 packs, ~20 % on a deleted branch in 2 packs. */
function generate(target) {
  const dir = tempDir("bench-repack-");
  git(dir, ["init", "-q", "--bare", "-b", "main"]);
  const mainCommits = Math.round((target * 0.8) / perCommit);
  const doomedCommits = Math.round((target * 0.2) / perCommit);
  const chunk = Math.ceil(mainCommits / 8);
  for (let i = 0, v = 0; v < mainCommits; i++, v += chunk) {
    const from = v === 0 ? undefined : git(dir, ["rev-parse", "main"]);
    fastImport(dir, "main", Math.min(chunk, mainCommits - v), v, 1 + i, from);
  }
  const tip = git(dir, ["rev-parse", "main"]);
  const mainPacks = new Set(readdirSync(join(dir, "objects", "pack")));
  const half = Math.ceil(doomedCommits / 2);
  fastImport(dir, "doomed", half, 1_000_000, 77, tip);
  fastImport(dir, "doomed", doomedCommits - half, 1_000_000 + half, 78, git(dir, ["rev-parse", "doomed"]));
  const doomedPacks = readdirSync(join(dir, "objects", "pack")).filter((n) => n.endsWith(".pack") && !mainPacks.has(n));
  git(dir, ["update-ref", "-d", "refs/heads/doomed"]);
  git(dir, ["config", "gc.autoDetach", "false"]);
  git(dir, ["config", "bench.doomedPacks", doomedPacks.join(",")]);
  return dir;
}

/** A repository of `objects` objects in one pack plus `packs` small packs. */
function generateSmallPacks(objects, packs) {
  const dir = tempDir("bench-small-");
  git(dir, ["init", "-q", "--bare", "-b", "main"]);
  fastImport(dir, "main", Math.round(objects / perCommit), 0, 5);
  git(dir, ["repack", "-q", "-d"]);
  for (let i = 0; i < packs; i++) fastImport(dir, "main", 1, 500_000 + i, 100 + i, git(dir, ["rev-parse", "main"]));
  return dir;
}

/** A copy of the repository; `ageDays` > 0 ages the unreachable packs by that many days. */
function copyOf(dir, ageDays) {
  const copy = join(tempDir("bench-copy-"), "r.git");
  cpSync(dir, copy, { recursive: true });
  if (ageDays > 0) {
    const t = (Date.now() - ageDays * 86_400_000) / 1000;
    const doomed = git(copy, ["config", "bench.doomedPacks"]).split(",");
    for (const p of doomed) for (const ext of [".pack", ".idx"]) utimesSync(join(copy, "objects", "pack", p.replace(/\.pack$/, ext)), t, t);
  }
  return copy;
}

function objectCounts(dir) {
  const total = git(dir, ["cat-file", "--batch-all-objects", "--batch-check=%(objectname)"]).split("\n").length;
  const reachable = git(dir, ["rev-list", "--objects", "--all"]).split("\n").length;
  return { total, unreachable: total - reachable };
}

function packCount(dir) {
  return readdirSync(join(dir, "objects", "pack")).filter((n) => n.endsWith(".pack")).length;
}

function dirBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += dirBytes(p);
    else if (e.isFile()) n += statSync(p).size;
  }
  return n;
}

function shape(dir) {
  const v = Object.fromEntries(
    git(dir, ["count-objects", "-v"])
      .split("\n")
      .map((l) => l.split(": ")),
  );
  return { packs: Number(v.packs), loose: Number(v.count), objects: Number(v["in-pack"]) + Number(v.count), bytes: dirBytes(join(dir, "objects")) };
}

/** Both copies must hold the same reachable objects and pass fsck. */
function checkSame(a, b) {
  const ra = git(a, ["rev-list", "--objects", "--all"]).length;
  const rb = git(b, ["rev-list", "--objects", "--all"]).length;
  if (ra !== rb) throw new Error("the two copies disagree on reachable objects");
  for (const d of [a, b]) execFileSync("git", ["fsck", "--no-progress", "--connectivity-only"], { cwd: d, env, stdio: "ignore" });
}

// ---------- runs and measurement

/**
 * One cruft-writer run (`gitmaint repack --full|--geometric`) in an engine started beforehand, as
 * in the daemon: only the run is timed (engine start is ~0.1 s and not the repack's cost).
 */
async function gitmaintRepack(dir, mode) {
  const engine = await Engine.create({
    repos: [dir],
    plugins: [{ definition: cruftWriter, options: { checkIntervalMs: 0 }, source: "builtin" }],
    stateDir: tempDir("bench-state-"),
    watch: false,
  });
  try {
    const repo = engine.repos()[0];
    return await measure(async () => {
      const result = await engine.runPlugin("cruft-writer", repo.id, { args: { mode }, trigger: "bench" });
      if (!result?.data?.steps?.every((s) => s.ok)) throw new Error(`cruft-writer ${mode} failed: ${result?.summary}`);
      return result.data.steps.map((s) => `${s.argv.filter((a, i) => a !== "-c" && s.argv[i - 1] !== "-c")[0]} ${(s.durationMs / 1000).toFixed(1)}s`).join(", ");
    });
  } finally {
    await engine.shutdown();
  }
}

function run(dir, args) {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`git ${args.join(" ")} exited ${code}: ${err}`))));
  });
}

/**
 * Wall time of `fn`, and the peak RSS of the git processes descending from this process: the sum
 * over the tree (sampled every 25 ms) and the largest single process (its VmHWM). The sampler runs
 * in a worker thread so its /proc reads never stall the in-process engine being measured.
 */
async function measure(fn) {
  const sampler = new Worker(SAMPLER, { eval: true, workerData: { root: process.pid } });
  await once(sampler, "online");
  const t = performance.now();
  let detail;
  try {
    detail = await fn();
  } finally {
    sampler.postMessage("stop");
  }
  const ms = performance.now() - t;
  const [peak] = await once(sampler, "message");
  await sampler.terminate();
  return { detail, ms, peakTreeMiB: Math.round(peak.sum / 2 ** 20), peakProcMiB: Math.round(peak.one / 2 ** 20) };
}

const SAMPLER = `
const { readdirSync, readFileSync } = require("node:fs");
const { parentPort, workerData } = require("node:worker_threads");
const root = workerData.root;
let peakSum = 0, peakOne = 0, stop = false;
parentPort.on("message", () => { stop = true; });
function tick() {
  const ppid = new Map(), git = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\\d+$/.test(name)) continue;
    try {
      const stat = readFileSync("/proc/" + name + "/stat", "utf8");
      const close = stat.lastIndexOf(")");
      const f = stat.slice(close + 2).split(" ");
      ppid.set(Number(name), Number(f[1]));
      if (stat.slice(stat.indexOf("(") + 1, close).startsWith("git")) git.set(Number(name), Number(f[21]) * 4096);
    } catch {}
  }
  let sum = 0;
  for (const [pid, rss] of git) {
    let x = pid;
    for (let hops = 0; x > 1 && x !== root && hops < 64; hops++) x = ppid.get(x) || 0;
    if (x !== root) continue;
    sum += rss;
    try {
      const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync("/proc/" + pid + "/status", "utf8"));
      if (hwm) peakOne = Math.max(peakOne, Number(hwm[1]) * 1024);
    } catch {}
  }
  peakSum = Math.max(peakSum, sum);
}
(function loop() {
  tick();
  if (stop) parentPort.postMessage({ sum: peakSum, one: peakOne });
  else setTimeout(loop, 25);
})();
`;

/** The run with the median wall time (peak RSS reported as the max over the runs). */
function medianRun(runs) {
  const sorted = [...runs].sort((x, y) => x.ms - y.ms);
  const mid = sorted[Math.floor(sorted.length / 2)];
  return { ...mid, peakTreeMiB: Math.max(...runs.map((r) => r.peakTreeMiB)), peakProcMiB: Math.max(...runs.map((r) => r.peakProcMiB)) };
}

function row(label, m, s) {
  return { case: label, sec: m.ms / 1000, peakTreeRssMiB: m.peakTreeMiB, peakProcRssMiB: m.peakProcMiB, packs: s.packs, loose: s.loose, MiB: mib(s.bytes) };
}

const mib = (n) => Math.round((n / 2 ** 20) * 10) / 10;
const secs = (ms) => (ms / 1000).toFixed(1);
const pct = (a, b) => ((100 * a) / b).toFixed(1);
