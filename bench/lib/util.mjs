// Shared helpers for benchmarks: temp repos with isolated git config, process CPU/RSS sampling,
// percentiles.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("GIT_"))),
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "Bench",
  GIT_AUTHOR_EMAIL: "bench@example.com",
  GIT_COMMITTER_NAME: "Bench",
  GIT_COMMITTER_EMAIL: "bench@example.com",
};

const dirs = [];
export function tempDir(prefix = "gitmaint-bench-") {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  dirs.push(d);
  return d;
}
export function cleanup() {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}
process.on("exit", cleanup);

export function git(cwd, args, input) {
  return execFileSync("git", args, { cwd, env, input, encoding: "utf8", maxBuffer: 1 << 30 }).trim();
}

/** A repository with `commits` commits made by fast-import, `blobsPerCommit` new blobs each. */
export function makeRepo({ commits = 10, blobsPerCommit = 10, bare = false } = {}) {
  const dir = tempDir("repo-");
  git(dir, ["init", "-q", ...(bare ? ["--bare"] : []), "-b", "main"]);
  let stream = "";
  let mark = 1;
  for (let c = 0; c < commits; c++) {
    const marks = [];
    for (let b = 0; b < blobsPerCommit; b++) {
      const data = `blob ${c}/${b} ${"y".repeat((c * 7 + b) % 200)}\n`;
      stream += `blob\nmark :${mark}\ndata ${Buffer.byteLength(data)}\n${data}\n`;
      marks.push(mark++);
    }
    const msg = `commit ${c}\n`;
    stream += `commit refs/heads/main\nmark :${mark++}\ncommitter Bench <b@e> ${1700000000 + c} +0000\ndata ${msg.length}\n${msg}`;
    marks.forEach((m, b) => (stream += `M 100644 :${m} d${b % 16}/f${c}-${b}\n`));
    stream += "\n";
  }
  git(dir, ["fast-import", "--quiet"], stream);
  return dir;
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

export function median(values) {
  return percentile(values, 50);
}

const TICK = 100;
/** CPU time (ms) of a process (user + system, including waited-for children). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 1000) / TICK;
}

/** Peak RSS (VmHWM) in MiB. */
export function peakRssMiB(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

export const GITMAINT = new URL("../../packages/tui/bin/gitmaint.js", import.meta.url).pathname;

/** Starts `node gitmaint.js args`, resolving once a stdout line matches `ready`. */
export function startGitmaint(args, { ready, extraEnv = {} } = {}) {
  const child = spawn(process.execPath, [GITMAINT, ...args], { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const readyP = new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      if (ready && ready.test(out)) resolve();
    });
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => reject(new Error(`gitmaint exited ${code}: ${err}`)));
  });
  return { child, ready: readyP, output: () => out, errors: () => err };
}

/** Wall time of `fn` in ms. */
export function timeIt(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
