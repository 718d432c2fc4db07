// Issue 2 (c): `gitmaint status --json` wall time against `git count-objects -v` on the same
// repository (ratio, median of N runs each, interleaved). Target: within 3x.
//
// The repository really has 20 packs and 20,000 loose objects: 1 pack from fast-import's history
// plus 19 packs written by `git pack-objects` from explicit blob lists straight into
// objects/pack/pack (unreachable objects are never packed by `repack -d`, so that is no way to
// make packs), then 20,000 unique loose blobs. The setup checks both counts with git itself.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { env, git, GITMAINT, makeRepo, median, tempDir, timeIt } from "../lib/util.mjs";

const PACKS = 20;
const LOOSE = 20_000;

export default {
  name: "status",
  async run({ log, size }) {
    log(`generating a repository: ${PACKS} packs and ${LOOSE.toLocaleString("en")} loose objects`);
    const repo = makeRepo({ commits: 200, blobsPerCommit: 50 });
    git(repo, ["repack", "-a", "-d", "-q"]); // fast-import's output as one ordinary pack
    for (let i = 1; i < PACKS; i++) {
      // 500 new blobs per pack, written loose, then packed by name into objects/pack/pack-<hash>.
      const ids = git(repo, ["hash-object", "-w", "--stdin-paths", "--no-filters"], writeTemp(Array.from({ length: 500 }, (_, j) => `pack ${i} blob ${j}\n`)));
      git(repo, ["pack-objects", "-q", join(repo, ".git", "objects", "pack", "pack")], ids + "\n");
      git(repo, ["prune-packed"]);
    }
    const contents = Array.from({ length: LOOSE }, (_, i) => `loose ${i} ${Math.random()}\n`);
    git(repo, ["hash-object", "-w", "--stdin-paths", "--no-filters"], writeTemp(contents));
    const rawCounts = Object.fromEntries(git(repo, ["count-objects", "-v"]).split("\n").map((l) => l.split(": ")));
    if (Number(rawCounts.packs) !== PACKS || Number(rawCounts.count) !== LOOSE) {
      throw new Error(`setup made ${rawCounts.packs} packs and ${rawCounts.count} loose objects, not ${PACKS} and ${LOOSE}`);
    }
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
    log(`gitmaint: packs ${counts.packs}, loose ~${counts.looseObjects}; git: packs ${rawCounts.packs}, count ${rawCounts.count}`);
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

function writeTemp(contents) {
  // hash-object --stdin-paths reads file paths: write each content to a file.
  const dir = tempDir("blobs-");
  const list = [];
  contents.forEach((content, i) => {
    const p = join(dir, String(i));
    writeFileSync(p, content);
    list.push(p);
  });
  return list.join("\n") + "\n";
}
