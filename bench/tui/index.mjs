// Issue 6: `gitmaint tui` under load. The real binary runs in a detached tmux session (a real
// terminal, 80x24) on a real repository while 100 events/s flow on its Bus for 30 s (x --size;
// BENCH_TUI_SECONDS overrides). Targets: CPU of the TUI process < 25 % of a core; event→frame
// latency p95 < 150 ms.
//
// How events are injected: GITMAINT_TUI_BENCH=<events/s> makes runTui start a synthetic emitter
// on the engine's real Bus (a mix of repo.stats, git.started/progress/finished, action, log and
// plugin.state, each stamped with its emit time); GITMAINT_TUI_BENCH_OUT=<file> makes it write, at
// exit, the latency of every event from its emit to the Ink frame that first rendered it
// (measured in-process in Ink's onRender, after the coalescing queue and the React render).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GITMAINT, cpuMs, env, makeRepo, peakRssMiB, sleep, tempDir } from "../lib/util.mjs";

const RATE = 100;
// e.g. BENCH_TUI_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the TUI process
const nodeFlags = process.env.BENCH_TUI_NODE_FLAGS ?? "";

export default {
  name: "tui",
  async run({ log, size = 1 }) {
    if (spawnSync("tmux", ["-V"], { stdio: "ignore" }).status !== 0) {
      log("SKIPPED: tmux is not installed (the TUI needs a terminal)");
      return { metrics: { skipped: "tmux not installed" }, table: [{ metric: "skipped", value: "tmux not installed", target: "" }] };
    }
    const seconds = Number(process.env.BENCH_TUI_SECONDS ?? 30 * size);
    const repo = makeRepo({ commits: 20, blobsPerCommit: 5 });
    const dir = tempDir("tui-bench-");
    const out = join(dir, "latency.json");
    const config = join(dir, "gitmaint.config.json");
    writeFileSync(config, JSON.stringify({}));
    const socket = `gitmaint-bench-${process.pid}`;
    const tmuxEnv = { ...env, HOME: dir, GITMAINT_STATE_DIR: join(dir, "state"), TERM: "xterm-256color" };
    for (const k of Object.keys(tmuxEnv)) if (k === "CI" || k === "CONTINUOUS_INTEGRATION" || k.startsWith("CI_")) delete tmuxEnv[k];
    const tmux = (...args) => {
      const r = spawnSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { env: tmuxEnv, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`tmux ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    const q = (s) => `'${s.replace(/'/g, "'\\''")}'`;
    const command =
      `cd ${q(dir)} && exec env GITMAINT_TUI_BENCH=${RATE} GITMAINT_TUI_BENCH_OUT=${q(out)} ` +
      `${q(process.execPath)} ${nodeFlags} ${q(GITMAINT)} tui --repo ${q(repo)} --config ${q(config)}`;
    try {
      tmux("new-session", "-d", "-x", "80", "-y", "24", "-s", "tui", command);
      const pid = Number(tmux("display-message", "-p", "-t", "tui", "#{pane_pid}").trim());
      const deadline = Date.now() + 20_000;
      while (!tmux("capture-pane", "-p", "-t", "tui").includes("Git processes")) {
        if (Date.now() > deadline) throw new Error("the TUI did not draw its first frame in 20 s");
        await sleep(100);
      }
      log(`TUI pid ${pid} up; ${RATE} events/s; warming up 3 s, then measuring ${seconds} s`);
      await sleep(3000);
      const c0 = cpuMs(pid);
      const t0 = Date.now();
      await sleep(seconds * 1000);
      const cpuPct = ((cpuMs(pid) - c0) / (Date.now() - t0)) * 100;
      const rss = peakRssMiB(pid);
      const screen = tmux("capture-pane", "-p", "-t", "tui");
      const widest = Math.max(...screen.split("\n").map((l) => l.length));
      tmux("send-keys", "-t", "tui", "q");
      const exitDeadline = Date.now() + 20_000;
      while (!existsSync(out)) {
        if (Date.now() > exitDeadline) throw new Error("the TUI did not write its latency file after q");
        await sleep(100);
      }
      const lat = JSON.parse(readFileSync(out, "utf8"));
      const total = seconds + 3;
      const metrics = {
        eventsPerSecond: RATE,
        seconds,
        cpuPercentOfCore: cpuPct,
        peakRssMiB: rss,
        eventsMeasured: lat.events,
        framesPerSecond: lat.frames / total,
        latencyP50Ms: lat.p50,
        latencyP95Ms: lat.p95,
        latencyP99Ms: lat.p99,
        latencyMaxMs: lat.max,
        widestScreenLine: widest,
      };
      return {
        metrics,
        targets: { cpuPercentOfCore: "< 25", latencyP95Ms: "< 150" },
        table: [
          { metric: `CPU % of one core (${RATE} events/s)`, value: cpuPct, target: "< 25" },
          { metric: "event→frame latency p50 ms", value: lat.p50, target: "" },
          { metric: "event→frame latency p95 ms", value: lat.p95, target: "< 150" },
          { metric: "event→frame latency p99 ms", value: lat.p99, target: "" },
          { metric: "frames per second (≈ bounded)", value: lat.frames / total, target: "≤ ~12" },
          { metric: "events measured", value: lat.events, target: "" },
          { metric: "peak RSS MiB", value: rss, target: "" },
          { metric: "widest screen line (80x24)", value: widest, target: "≤ 80" },
        ],
      };
    } finally {
      spawnSync("tmux", ["-L", socket, "kill-server"], { env: tmuxEnv, stdio: "ignore" });
    }
  },
};
