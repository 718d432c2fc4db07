// aggregate-during-repack benchmark: a generated bare repository (≥ 200,000 objects, stored whole so
// the full cruft repack really searches for deltas: tens of seconds), a steady push load during an
// external `git repack --cruft -d`, once without and once with the aggregator (same run, same
// machine). Reports packs/loose objects at the end of the repack and their maximum during it; the
// latency of 1,000 `cat-file --batch-check` lookups (half hits, half misses) at that moment against
// a freshly repacked copy; and the aggregator's cost against `cp` of the bytes it wrote.
// BENCH_AGG_INTERVAL_MS=2000 runs the aggregator with that cycle interval instead of its default (5 s).
import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
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
function lookups(repo, hits) {
  const misses = Array.from({ length: 500 }, (_, i) => (i.toString(16).padStart(8, "0") + "deadbeef".repeat(4)).slice(0, 40));
  const input = [...hits, ...misses].join("\n") + "\n";
  const times = [];
  for (let k = 0; k < 5; k++) {
    const t = process.hrtime.bigint();
    execFileSync("git", ["cat-file", "--batch-check"], { cwd: repo, env, input, maxBuffer: 1 << 24 });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[2]; // median of 5
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
  const cycles = [];
  if (withPlugin) {
    engine = await Engine.create({
      repos: [bare],
      plugins: [{ definition: aggregateDuringRepack, options: { detectIntervalMs: 250, rollUpDelayMs: 0, ...(process.env.BENCH_AGG_INTERVAL_MS ? { intervalMs: Number(process.env.BENCH_AGG_INTERVAL_MS) } : {}) }, source: "builtin" }],
      stateDir: tempDir("state-"),
      watch: true,
    });
    engine.bus.on("action", (a) => a.plugin === "aggregate-during-repack" && cycles.push(a.details));
  }
  const load = pushLoad(bare, clients, 150);
  await sleep(3000);
  const sample = { maxPacks: 0, maxLoose: 0 };
  const sampler = setInterval(() => {
    sample.maxPacks = Math.max(sample.maxPacks, packCount(packDir));
    sample.maxLoose = Math.max(sample.maxLoose, looseCount(join(bare, "objects")));
  }, 250);
  const pushes0 = load.pushes();
  const t0 = Date.now();
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
  const lookupMs = lookups(bare, hits);
  const fresh = join(tempDir("fresh-"), "r.git");
  execFileSync("cp", ["-a", bare, fresh]);
  git(fresh, ["repack", "-a", "-d", "-q"]);
  const freshMs = lookups(fresh, hits);
  log(`${withPlugin ? "with" : "without"}: repack ${repackMs} ms exit ${code}, ${pushesDuring} pushes; end ${end.packs} packs ${end.loose} loose; max ${sample.maxPacks}/${sample.maxLoose}; lookups ${lookupMs.toFixed(1)} ms vs fresh ${freshMs.toFixed(1)} ms`);
  // aggregation cost vs cp of the same bytes
  const bytes = cycles.reduce((n, c) => n + (c.bytesWritten ?? 0), 0);
  const cycleMs = cycles.reduce((n, c) => n + (c.durationMs ?? 0), 0);
  const packMs = cycles.reduce((n, c) => n + (c.phases?.["pack-loose"] ?? 0) + (c.phases?.["roll-up"] ?? 0), 0);
  let cpMs = NaN;
  if (bytes > 0) {
    const src = join(tempDir("cp-"), "src");
    writeFileSync(src, execFileSync("head", ["-c", String(bytes), "/dev/urandom"], { maxBuffer: 1 << 30 }));
    const t = process.hrtime.bigint();
    execFileSync("cp", [src, `${src}.copy`]);
    cpMs = Number(process.hrtime.bigint() - t) / 1e6;
  }
  return { repackMs, code, pushesDuring, end, max: { packs: sample.maxPacks, loose: sample.maxLoose }, lookupMs, freshMs, cycles: cycles.length, bytes, cycleMs, packMs, cpMs, commits };
}

export default {
  name: "aggregate",
  async run({ log, size = 1 }) {
    const commits = Math.round(16_000 * size);
    const base = join(tempDir("base-"), "r.git");
    const t = Date.now();
    await generate(base, commits);
    git(base, ["-c", "pack.threads=2", "repack", "-a", "-d", "-F", "--window=0", "-q"]);
    git(base, ["config", "pack.window", "30"]);
    const objects = Number(/in-pack: (\d+)/.exec(git(base, ["count-objects", "-v"]))?.[1] ?? 0);
    log(`generated ${objects} objects in ${Date.now() - t} ms (stored whole: the repack searches deltas)`);
    const without = await scenario({ log, base, withPlugin: false, commits });
    const withAgg = await scenario({ log, base, withPlugin: true, commits });
    const ratio = (a, b) => (b > 0 ? Number((a / b).toFixed(2)) : null);
    const metrics = {
      objects,
      without,
      with: withAgg,
      packsAtEnd: { without: without.end.packs, with: withAgg.end.packs, target: "<= 10 with" },
      lookupVsFresh: { without: ratio(without.lookupMs, without.freshMs), with: ratio(withAgg.lookupMs, withAgg.freshMs), target: "<= 1.5 with" },
      aggregationVsCp: { packWriting: ratio(withAgg.packMs, withAgg.cpMs), wholeCycles: ratio(withAgg.cycleMs, withAgg.cpMs), target: "<= 3" },
    };
    const row = (metric, a, b) => ({ metric, without: a, with: b });
    const table = [
      row("repack (ms)", without.repackMs, withAgg.repackMs),
      row("repack exit", without.code, withAgg.code),
      row("pushes during repack", without.pushesDuring, withAgg.pushesDuring),
      row("packs at end / max during", `${without.end.packs} / ${without.max.packs}`, `${withAgg.end.packs} / ${withAgg.max.packs}`),
      row("loose at end / max during", `${without.end.loose} / ${without.max.loose}`, `${withAgg.end.loose} / ${withAgg.max.loose}`),
      row("1,000 lookups ms (repo / fresh copy)", `${without.lookupMs.toFixed(1)} / ${without.freshMs.toFixed(1)}`, `${withAgg.lookupMs.toFixed(1)} / ${withAgg.freshMs.toFixed(1)}`),
      row("lookup ratio vs fresh", metrics.lookupVsFresh.without, metrics.lookupVsFresh.with),
      row("aggregation cycles / bytes written", "-", `${withAgg.cycles} / ${withAgg.bytes}`),
      row("pack-writing ms / whole cycles ms / cp ms", "-", `${withAgg.packMs} / ${withAgg.cycleMs} / ${withAgg.cpMs.toFixed(1)}`),
    ];
    return { metrics, table };
  },
};
