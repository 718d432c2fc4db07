#!/usr/bin/env node
// Benchmark harness: `npm run bench [-- NAME ...] [-- --size N]`. Runs bench/<name>/index.mjs
// (default export { name, run({ log, size }) → { metrics, table } }), prints a table per benchmark
// and writes bench/results/<name>.json. Targets are reported as ratios against baselines measured
// in the same run, because these machines are noisy.
import { readdirSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpus, totalmem } from "node:os";
import { execFileSync } from "node:child_process";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let size = 1;
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--size") size = Number(args[++i]);
  else if (args[i] === "--list") {
    console.log(available().join("\n"));
    process.exit(0);
  } else names.push(args[i]);
}

function available() {
  return readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(here, d.name, "index.mjs")))
    .map((d) => d.name)
    .sort();
}

const selected = names.length > 0 ? names : available();
const unknown = selected.filter((n) => !available().includes(n));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(", ")} (available: ${available().join(", ")})`);
  process.exit(2);
}

const machine = {
  cpus: cpus().length,
  model: cpus()[0]?.model,
  memGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  git: execFileSync("git", ["version"], { encoding: "utf8" }).trim(),
};
mkdirSync(join(here, "results"), { recursive: true });
let failed = 0;
for (const name of selected) {
  const mod = (await import(join(here, name, "index.mjs"))).default;
  const started = Date.now();
  console.log(`\n== ${name} ==`);
  try {
    const result = await mod.run({ log: (m) => console.log(`  ${m}`), size });
    printTable(result.table ?? []);
    const out = { name, at: new Date().toISOString(), durationMs: Date.now() - started, machine, size, ...result };
    writeFileSync(join(here, "results", `${name}.json`), JSON.stringify(out, null, 2) + "\n");
    console.log(`  -> bench/results/${name}.json`);
  } catch (error) {
    failed++;
    console.error(`  ${name} FAILED: ${error?.stack ?? error}`);
  }
}
process.exit(failed > 0 ? 1 : 0);

function printTable(rows) {
  if (rows.length === 0) return;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v ?? ""));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals) => "  " + vals.map((v, i) => v.padEnd(widths[i])).join("  ");
  console.log(line(cols));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}
