// aggregate-during-repack benchmark: a generated bare repository (≥ 200,000 objects, stored whole so
// the full cruft repack really searches for deltas: tens of seconds), a steady push load during an
// external `git repack --cruft -d`, once without and once with the aggregator (same run, same
// machine). Reports packs/loose objects at the end of the repack and their maximum during it; the
// latency of 1,000 `cat-file --batch-check` lookups (half hits, half misses) at that moment against
// a freshly repacked copy; and the aggregator's pack-writing time against `cp` of the same input
// files, one cp process per cycle as the aggregator runs one pack-objects per cycle (and, for
// reference, against a single cp of all the bytes it wrote).
// Knobs for working on the aggregator (the defaults are the reported configuration):
//   BENCH_AGG_INTERVAL_MS=2000   the aggregator's cycle interval instead of its default;
//   BENCH_AGG_BASE=DIR           keep the generated repository in DIR and reuse it next time;
//   BENCH_AGG_ONLY=with|without  run one scenario only;
//   BENCH_AGG_TRACE=FILE         write the aggregator's log lines (with ms since the repack started).
import { execFile, execFileSync, spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { Engine } from "@gitmaint/core";
import { aggregateDuringRepack } from "@gitmaint/plugins";
import { env, git, sleep, tempDir } from "../lib/util.mjs";

const run = promisify(execFile);

function generate(dir, commits) {
  mkdirSync(dir, { recursive: true });
  git(dir, ["init", "-q", "--bare", "-b", "main"]);
  const words = ["alpha", "beta", "gamma", "delta", "pack", "cruft", "tree", "blob", "ref", "omega"];
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed);
  const child = spawn("git", ["fast-import", "--quiet"], { cwd: dir, env, stdio: ["pipe", "ignore", "inherit"] });
  const done = new Promise((r) => child.on("exit", r));
  let buf = "";
  for (let c = 0; c < commits; c++) {
    buf += `commit refs/heads/main\ncommitter B <b@e> ${1_700_000_000 + c} +0000\ndata 8\ncommit ${c % 10}\n`;
    for (let f = 0; f < 10; f++) {
      let body = `${c} ${f}\n`;
      while (body.length < 600) body += `${words[rnd() % 10]} ${rnd() % 1000}\n`;
      buf += `M 100644 inline d${(c * 10 + f) % 211}/f${f}-${c % 17}.txt\ndata ${Buffer.byteLength(body)}\n${body}\n`;
    }
    buf += "\n";
    if (buf.length > 1 << 20) {
      child.stdin.write(buf);
      buf = "";
    }
  }
  child.stdin.end(buf);
  return done;
}

const packCount = (packDir) => readdirSync(packDir).filter((n) => /^pack-.*\.pack$/.test(n)).length;
const packCountAsync = async (packDir) => (await readdir(packDir)).filter((n) => /^pack-.*\.pack$/.test(n)).length;
async function looseCountAsync(objectsDir) {
  const dirs = (await readdir(objectsDir)).filter((d) => /^[0-9a-f]{2}$/.test(d));
  const counts = await Promise.all(dirs.map((d) => readdir(join(objectsDir, d)).then((f) => f.length, () => 0)));
  return counts.reduce((a, b) => a + b, 0);
}
function looseCount(objectsDir) {
  let n = 0;
  for (const d of readdirSync(objectsDir)) if (/^[0-9a-f]{2}$/.test(d)) n += readdirSync(join(objectsDir, d)).length;
  return n;
}

async function g(cwd, args) {
  return (await run("git", args, { cwd, env, maxBuffer: 1 << 26 })).stdout.trim();
}

/** Pushers: each clone pushes a commit to its own branch, `pauseMs` apart. */
function pushLoad(bare, clients, pauseMs) {
  let on = true;
  let pushes = 0;
  const tasks = clients.map(async (dir, i) => {
    for (let r = 0; on; r++) {
      writeFileSync(join(dir, `f${i}.txt`), `client ${i} round ${r} ${Math.random()}\n`);
      mkdirSync(join(dir, "deep", `d${r % 4}`), { recursive: true });
      writeFileSync(join(dir, "deep", `d${r % 4}`, `g${i}.txt`), `deep ${r} ${Math.random()}\n`);
      await g(dir, ["add", "-A"]);
      await g(dir, ["commit", "-q", "-m", `c${i} ${r}`]);
      await g(dir, ["push", "-q", "origin", `HEAD:refs/heads/c${i}`]).then(() => pushes++, () => {});
      await sleep(pauseMs);
    }
  });
  return { stop: async () => ((on = false), await Promise.all(tasks)), pushes: () => pushes };
}

/** Wall ms of 1,000 lookups (500 hits, 500 misses) through one `cat-file --batch-check`. */
function lookupOnce(repo, input) {
  const t = process.hrtime.bigint();
  execFileSync("git", ["cat-file", "--batch-check"], { cwd: repo, env, input, maxBuffer: 1 << 24 });
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Median ms of 1,000 lookups in `repo` and in `fresh`, measured alternately 11 times (drift cancels). */
function lookups(repo, fresh, hits) {
  const misses = Array.from({ length: 500 }, (_, i) => (i.toString(16).padStart(8, "0") + "deadbeef".repeat(4)).slice(0, 40));
  const input = [...hits, ...misses].join("\n") + "\n";
  const a = [];
  const b = [];
  lookupOnce(repo, input); // warm the page cache for both
  lookupOnce(fresh, input);
  for (let k = 0; k < 11; k++) {
    a.push(lookupOnce(repo, input));
    b.push(lookupOnce(fresh, input));
  }
  const median = (xs) => xs.sort((x, y) => x - y)[xs.length >> 1];
  return { repoMs: median(a), freshMs: median(b) };
}

async function scenario({ log, base, withPlugin, commits }) {
  const bare = join(tempDir("agg-"), "r.git");
  execFileSync("cp", ["-a", base, bare]);
  git(bare, ["config", "receive.autogc", "false"]);
  git(bare, ["config", "receive.unpackLimit", "4"]);
  const clients = [0, 1, 2].map((i) => {
    const d = join(tempDir(`cl${i}-`), "w");
    git(tempDir(), ["clone", "-q", "--depth", "1", `file://${bare}`, d]);
    git(d, ["checkout", "-q", "-b", `c${i}`]);
    return d;
  });
  const packDir = join(bare, "objects/pack");
  let engine;
  let t0 = 0;
  const cycles = [];
  const cpRuns = []; // the cp baseline of each cycle, run right after it, under the same load
  const cpPer = [];
  if (withPlugin) {
    engine = await Engine.create({
      repos: [bare],
      plugins: [{ definition: aggregateDuringRepack, options: { detectIntervalMs: 250, rollUpDelayMs: 0, ...(process.env.BENCH_AGG_INTERVAL_MS ? { intervalMs: Number(process.env.BENCH_AGG_INTERVAL_MS) } : {}) }, source: "builtin" }],
      stateDir: tempDir("state-"),
      watch: true,
    });
    engine.bus.on("action", (a) => {
      if (a.plugin !== "aggregate-during-repack") return;
      cycles.push(a.details);
      const i = cycles.length - 1;
      cpRuns.push(cpLikeCycle(a.details).then((r) => (cpPer[i] = r)));
    });
    const trace = process.env.BENCH_AGG_TRACE;
    if (trace) {
      writeFileSync(trace, "");
      engine.bus.on("log", (e) => appendFileSync(trace, `${t0 ? e.at - t0 : "-"} ${e.level} ${e.message}\n`));
    }
  }
  const load = pushLoad(bare, clients, 150);
  await sleep(3000);
  const sample = { maxPacks: 0, maxLoose: 0 };
  // sampled with async reads, so the sampler never blocks the event loop the aggregator shares
  let sampling = false;
  const sampler = setInterval(() => {
    if (sampling) return;
    sampling = true;
    Promise.all([packCountAsync(packDir), looseCountAsync(join(bare, "objects"))])
      .then(([packs, loose]) => {
        sample.maxPacks = Math.max(sample.maxPacks, packs);
        sample.maxLoose = Math.max(sample.maxLoose, loose);
      })
      .catch(() => {})
      .finally(() => (sampling = false));
  }, 250);
  const pushes0 = load.pushes();
  t0 = Date.now();
  const code = await new Promise((r) =>
    spawn("git", ["-c", "pack.threads=2", "repack", "--cruft", "-d"], { cwd: bare, env, stdio: "ignore" }).on("exit", r),
  );
  const repackMs = Date.now() - t0;
  clearInterval(sampler);
  const pushesDuring = load.pushes() - pushes0;
  const end = { packs: packCount(packDir), loose: looseCount(join(bare, "objects")) };
  await load.stop();
  if (engine) await engine.shutdown();
  const hits = git(bare, ["rev-list", "--objects", "--all", "--max-count=2000"]).split("\n").map((l) => l.slice(0, 40)).slice(0, 500);
  const packsAtLookup = packCount(packDir); // the pushes in flight when the repack ended have landed
  const fresh = join(tempDir("fresh-"), "r.git");
  execFileSync("cp", ["-a", bare, fresh]);
  git(fresh, ["repack", "-a", "-d", "-q"]);
  const { repoMs: lookupMs, freshMs } = lookups(bare, fresh, hits);
  log(`${withPlugin ? "with" : "without"}: repack ${repackMs} ms exit ${code}, ${pushesDuring} pushes; end ${end.packs} packs ${end.loose} loose; max ${sample.maxPacks}/${sample.maxLoose}; lookups (${packsAtLookup} packs) ${lookupMs.toFixed(1)} ms vs fresh ${freshMs.toFixed(1)} ms`);
  // aggregation cost vs cp of the same bytes
  const bytes = cycles.reduce((n, c) => n + (c.bytesWritten ?? 0), 0);
  const cycleMs = cycles.reduce((n, c) => n + (c.durationMs ?? 0), 0);
  const packMs = cycles.reduce((n, c) => n + (c.phases?.["write"] ?? 0), 0);
  const cpResults = await Promise.all(cpRuns);
  const cpMs = cycles.length > 0 ? cpResults.reduce((a, b) => a + b.cp, 0) : NaN;
  const cpFsyncMs = cycles.length > 0 ? cpResults.reduce((a, b) => a + b.cp + b.fsync, 0) : NaN;
  const cpOnceMs = bytes > 0 ? cpOnce(bytes) : NaN;
  // per cycle: pack writing / cp of the same inputs; the median resists one fsync stall
  const perCycle = cycles.map((c, i) => (c.phases?.["write"] ?? 0) / Math.max(0.1, cpPer[i]?.cp ?? NaN)).filter(Number.isFinite).sort((a, b) => a - b);
  const medianCycleRatio = perCycle.length > 0 ? Number(perCycle[perCycle.length >> 1].toFixed(2)) : null;
  return { repackMs, code, pushesDuring, end, packsAtLookup, max: { packs: sample.maxPacks, loose: sample.maxLoose }, lookupMs, freshMs, cycles: cycles.length, bytes, cycleMs, packMs, cpMs, cpFsyncMs, cpOnceMs, medianCycleRatio, commits };
}

/** Random files of these sizes in a new directory; returns their paths. */
function filesOf(sizes) {
  const dir = tempDir("cp-src-");
  return sizes.map((size, i) => {
    const path = join(dir, `f${i}`);
    writeFileSync(path, randomBytes(size));
    return path;
  });
}

/**
 * The cp baseline, done the way the aggregator works and under the same load: right after each
 * cycle (while the repack and the pushes go on), one `cp` process, spawned from this process as
 * pack-objects is, copies files of that cycle's input sizes (its input packs and its loose objects)
 * into a fresh directory. The sizes come from the cycle's totals (bytesIn / inputs, looseBytes /
 * looseObjects): the inputs themselves were deleted by the cycle. Resolves to the cp's wall ms,
 * and separately the time to fsync the copies (a reference only: pack-objects fsyncs its .pack and
 * .idx, as git's default core.fsync asks, and plain cp does not).
 */
async function cpLikeCycle(c) {
  const packs = c.inputs?.length ?? 0;
  const loose = c.looseObjects ?? 0;
  const sizes = [
    ...Array.from({ length: packs }, () => Math.max(1, Math.round((c.bytesIn ?? 0) / Math.max(1, packs)))),
    ...Array.from({ length: loose }, () => Math.max(1, Math.round((c.looseBytes ?? 0) / Math.max(1, loose)))),
  ];
  if (sizes.length === 0) return { cp: 0, fsync: 0 };
  const src = filesOf(sizes);
  const dest = tempDir("cp-dst-");
  const t = process.hrtime.bigint();
  await run("cp", [...src, dest]);
  const copied = process.hrtime.bigint();
  // what git's default core.fsync does for a pack and its .idx, for each copy: made durable
  for (const name of await readdir(dest)) {
    const h = await open(join(dest, name), "r");
    await h.sync();
    await h.close();
  }
  return { cp: Number(copied - t) / 1e6, fsync: Number(process.hrtime.bigint() - copied) / 1e6 };
}

/** One `cp` of all the bytes the aggregator wrote, as one file (the older, stricter baseline). */
function cpOnce(bytes) {
  const [src] = filesOf([bytes]);
  const t = process.hrtime.bigint();
  execFileSync("cp", [src, `${src}.copy`]);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export default {
  name: "aggregate",
  async run({ log, size = 1 }) {
    const commits = Math.round(16_000 * size);
    const cached = process.env.BENCH_AGG_BASE ? join(process.env.BENCH_AGG_BASE, `r-${commits}.git`) : undefined;
    const base = cached ?? join(tempDir("base-"), "r.git");
    const t = Date.now();
    if (!cached || !existsSync(join(base, "config"))) {
      await generate(base, commits);
      git(base, ["-c", "pack.threads=2", "repack", "-a", "-d", "-F", "--window=0", "-q"]);
      git(base, ["config", "pack.window", "30"]);
    }
    const objects = Number(/in-pack: (\d+)/.exec(git(base, ["count-objects", "-v"]))?.[1] ?? 0);
    log(`generated ${objects} objects in ${Date.now() - t} ms (stored whole: the repack searches deltas)`);
    const only = process.env.BENCH_AGG_ONLY;
    const skipped = { repackMs: 0, code: null, pushesDuring: 0, end: { packs: 0, loose: 0 }, max: { packs: 0, loose: 0 }, lookupMs: 0, freshMs: 0, cycles: 0, bytes: 0, cycleMs: 0, packMs: 0, cpMs: NaN, commits };
    const without = only === "with" ? skipped : await scenario({ log, base, withPlugin: false, commits });
    const withAgg = only === "without" ? skipped : await scenario({ log, base, withPlugin: true, commits });
    const ratio = (a, b) => (b > 0 ? Number((a / b).toFixed(2)) : null);
    const metrics = {
      objects,
      without,
      with: withAgg,
      packsAtEnd: { without: without.end.packs, with: withAgg.end.packs, target: "<= 10 with" },
      lookupVsFresh: { without: ratio(without.lookupMs, without.freshMs), with: ratio(withAgg.lookupMs, withAgg.freshMs), target: "<= 1.5 with" },
      aggregationVsCp: {
        packWriting: ratio(withAgg.packMs, withAgg.cpMs),
        wholeCycles: ratio(withAgg.cycleMs, withAgg.cpMs),
        packWritingVsOneCp: ratio(withAgg.packMs, withAgg.cpOnceMs),
        medianCycle: withAgg.medianCycleRatio,
        packWritingVsCpFsync: ratio(withAgg.packMs, withAgg.cpFsyncMs),
        target: "<= 3 (pack writing vs cp of the same input files: one cp per cycle, right after it, under the same load)",
      },
    };
    const row = (metric, a, b) => ({ metric, without: a, with: b });
    const table = [
      row("repack (ms)", without.repackMs, withAgg.repackMs),
      row("repack exit", without.code, withAgg.code),
      row("pushes during repack", without.pushesDuring, withAgg.pushesDuring),
      row("packs when the lookups ran", without.packsAtLookup, withAgg.packsAtLookup),
      row("packs at end / max during", `${without.end.packs} / ${without.max.packs}`, `${withAgg.end.packs} / ${withAgg.max.packs}`),
      row("loose at end / max during", `${without.end.loose} / ${without.max.loose}`, `${withAgg.end.loose} / ${withAgg.max.loose}`),
      row("1,000 lookups ms (repo / fresh copy)", `${without.lookupMs.toFixed(1)} / ${without.freshMs.toFixed(1)}`, `${withAgg.lookupMs.toFixed(1)} / ${withAgg.freshMs.toFixed(1)}`),
      row("lookup ratio vs fresh", metrics.lookupVsFresh.without, metrics.lookupVsFresh.with),
      row("aggregation cycles / bytes written", "-", `${withAgg.cycles} / ${withAgg.bytes}`),
      row("pack-writing ms / whole cycles ms", "-", `${withAgg.packMs} / ${withAgg.cycleMs}`),
      row("cp ms: same input files per cycle / + fsync / all bytes once", "-", `${withAgg.cpMs.toFixed(1)} / ${withAgg.cpFsyncMs.toFixed(1)} / ${withAgg.cpOnceMs.toFixed(1)}`),
      row("pack writing vs cp: sum / median cycle / one cp", "-", `${metrics.aggregationVsCp.packWriting} / ${withAgg.medianCycleRatio} / ${metrics.aggregationVsCp.packWritingVsOneCp}`),
      row("pack writing vs cp + fsync of the copies (sum)", "-", metrics.aggregationVsCp.packWritingVsCpFsync),
    ];
    return { metrics, table };
  },
};
