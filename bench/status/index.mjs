// Issue 2 (c): `gitmaint status --json` wall time against `git count-objects -v` on the same
// repository (ratio, median of N runs each, interleaved). Target: within 3x.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { env, git, GITMAINT, makeRepo, median, tempDir, timeIt } from "../lib/util.mjs";

export default {
  name: "status",
  async run({ log, size }) {
    log("generating a repository: 20 packs and 20,000 loose objects");
    const repo = makeRepo({ commits: 200, blobsPerCommit: 50 });
    for (let i = 0; i < 19; i++) {
      git(repo, ["hash-object", "-w", "--stdin"], `pack seed ${i}\n`);
      const tip = git(repo, ["rev-parse", "HEAD"]);
      git(repo, ["commit-tree", "-m", `c${i}`, `${tip}^{tree}`, "-p", tip]);
      git(repo, ["repack", "-d", "-q"]);
    }
    const paths = Array.from({ length: 20000 }, (_, i) => `loose ${i} ${Math.random()}`);
    git(repo, ["hash-object", "-w", "--stdin-paths", "--no-filters"], writeTemp(paths));
    const stateDir = tempDir("state-");
    const runs = 9 * size;
    const gm = [];
    const raw = [];
    const runGitmaint = () =>
      execFileSync(process.execPath, [GITMAINT, "status", "--json", "--repo", repo], {
        env: { ...env, GITMAINT_STATE_DIR: stateDir },
        encoding: "utf8",
      });
    const counts = JSON.parse(runGitmaint());
    const rawCounts = git(repo, ["count-objects", "-v"]);
    log(`gitmaint: packs ${counts.packs}, loose ~${counts.looseObjects}; git: ${rawCounts.replace(/\n/g, ", ")}`);
    for (let i = 0; i < runs; i++) {
      raw.push(timeIt(() => execFileSync("git", ["count-objects", "-v"], { cwd: repo, env })));
      gm.push(timeIt(runGitmaint));
    }
    const ratio = median(gm) / median(raw);
    return {
      metrics: { runs, gitmaintMedianMs: median(gm), gitCountObjectsMedianMs: median(raw), ratio, packs: counts.packs, looseObjects: counts.looseObjects },
      targets: { ratio: "<= 3" },
      table: [
        { command: "gitmaint status --json", medianMs: median(gm) },
        { command: "git count-objects -v", medianMs: median(raw) },
        { command: "ratio", medianMs: ratio },
      ],
    };
  },
};

function writeTemp(lines) {
  // hash-object --stdin-paths reads file paths: write each content to a file.
  const dir = tempDir("blobs-");
  const list = [];
  lines.forEach((content, i) => {
    const p = join(dir, String(i));
    writeFileSync(p, content);
    list.push(p);
  });
  return list.join("\n") + "\n";
}
