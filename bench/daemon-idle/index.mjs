// Issue 2 (a): an idle `gitmaint run` watching 200 repositories: CPU % of one core and peak RSS.
// Targets: < 1 % of a core, RSS < 150 MB. Duration: 60 s x --size (BENCH_IDLE_SECONDS overrides).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpuMs, makeRepo, peakRssMiB, sleep, startGitmaint, tempDir } from "../lib/util.mjs";

export default {
  name: "daemon-idle",
  async run({ log, size }) {
    const repoCount = 200;
    const seconds = Number(process.env.BENCH_IDLE_SECONDS ?? 60 * size);
    log(`creating ${repoCount} repositories`);
    const repos = Array.from({ length: repoCount }, () => makeRepo({ commits: 2, blobsPerCommit: 3 }));
    const dir = tempDir("cfg-");
    const config = join(dir, "gitmaint.config.json");
    writeFileSync(config, JSON.stringify({ repos }));
    const started = Date.now();
    const gm = startGitmaint(["run", "--config", config], {
      ready: /watching \d+ repositories/,
      extraEnv: { GITMAINT_STATE_DIR: join(dir, "state") },
    });
    await gm.ready;
    const startupMs = Date.now() - started;
    log(`daemon ready in ${startupMs} ms; settling 5 s, then measuring ${seconds} s`);
    await sleep(5000);
    const c0 = cpuMs(gm.child.pid);
    const t0 = Date.now();
    await sleep(seconds * 1000);
    const cpuPct = ((cpuMs(gm.child.pid) - c0) / (Date.now() - t0)) * 100;
    const rss = peakRssMiB(gm.child.pid);
    gm.child.kill("SIGTERM");
    await new Promise((r) => gm.child.once("exit", r));
    const metrics = { repos: repoCount, seconds, startupMs, cpuPercentOfCore: cpuPct, peakRssMiB: rss };
    return {
      metrics,
      targets: { cpuPercentOfCore: "< 1", peakRssMiB: "< 150" },
      table: [
        { metric: "CPU % of one core (idle)", value: cpuPct, target: "< 1" },
        { metric: "peak RSS MiB", value: rss, target: "< 150" },
        { metric: "start-up ms (200 repos)", value: startupMs, target: "" },
      ],
    };
  },
};
