/**
 * Helpers for mirror-snapshot tests: a bare repository with many packed refs, real writers that
 * rewrite packed-refs and move refs while archives are taken, an Engine with only mirror-snapshot
 * loaded, and an independent check (plain git, not gitmaint) of a restored repository.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, writeFileSync } from "node:fs";
import { dirname, basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Engine, type JournalEntry, type Repository } from "@gitmaint/core";
import { mirrorSnapshot } from "@gitmaint/plugins";
import type { ArchiveRestoreResult as RestoreResult, ArchiveResult as SnapshotResult } from "@gitmaint/plugins";
import { git, gitEnv, makeRepo, spawnTracked, tempDir } from "./fixtures.js";

/** A bare repository with `commits` commits, `branches` branches (spread over them) and some tags, all refs packed, objects in a pack plus loose ones. */
export function manyRefsRepo(branches: number, commits = 30): string {
  const path = makeRepo({ bare: true, commits, filesPerCommit: 4 });
  const shas = git(path, ["rev-list", "main"]).split("\n");
  const lines = Array.from({ length: branches }, (_, i) => `create refs/heads/b${i} ${shas[i % shas.length]}`);
  for (let t = 0; t < 20; t++) lines.push(`create refs/tags/v${t} ${shas[t % shas.length]}`);
  git(path, ["update-ref", "--stdin"], `${lines.join("\n")}\n`);
  git(path, ["repack", "-a", "-d", "-q"]);
  git(path, ["pack-refs", "--all"]);
  return path;
}

/**
 * A shell loop of real git writers: each round writes a new blob, tree and commit (loose objects),
 * moves `main` and a window of 150 branches to it in one `update-ref --stdin`, creates and deletes
 * a branch, rewrites packed-refs (`pack-refs --all`), and every `repackEvery` rounds packs the loose
 * objects (`repack -d`: loose objects vanish into a new pack). Prints one line per round.
 */
export function startRefWriter(repo: string, seed: number, repackEvery = 6) {
  const script = `
cd "$1" || exit 1
i=0
while true; do
  i=$((i+1))
  parent=$(git rev-parse -q --verify refs/heads/main) || continue
  blob=$(echo "writer $2 round $i $RANDOM" | git hash-object -w --stdin)
  tree=$(printf '100644 blob %s\\tw%s.txt\\n' "$blob" "$2" | git mktree)
  c=$(git commit-tree -p "$parent" -m "w$2 $i" "$tree")
  start=$(( (i * 37 + $2 * 500) % 1800 ))
  { echo "update refs/heads/main $c"; for j in $(seq $start $((start + 150))); do echo "update refs/heads/b$j $c"; done;
    echo "create refs/heads/tmp-$2-$i $c"; echo "delete refs/heads/tmp-$2-$((i-1))"; } | git update-ref --stdin 2>/dev/null
  git pack-refs --all 2>/dev/null
  if [ $((i % $3)) -eq 0 ]; then git repack -d -q 2>/dev/null; fi
  echo "round $i"
done
`;
  const child = spawnTracked("bash", ["-c", script, "writer", repo, String(seed), String(repackEvery)]);
  let rounds = 0;
  child.stdout?.on("data", (d: Buffer) => (rounds += d.toString().split("\n").filter((l) => l.startsWith("round")).length));
  return { child, rounds: () => rounds };
}

export interface ArchiverRig {
  engine: Engine;
  repo: Repository;
  archive(out: string, args?: Record<string, unknown>): Promise<SnapshotResult>;
  restore(archive: string, to: string): Promise<RestoreResult>;
  journal(): Promise<JournalEntry[]>;
}

const rigs: Engine[] = [];

/** An Engine on `repoPath` with only mirror-snapshot (options as in config). */
export async function startArchiver(repoPath: string, options: Record<string, unknown> = {}): Promise<ArchiverRig> {
  const engine = await Engine.create({
    repos: [repoPath],
    plugins: [{ definition: mirrorSnapshot, options, source: "builtin" }],
    stateDir: tempDir("state-"),
    watch: false,
    maxFailures: 1000,
  });
  rigs.push(engine);
  const repo = engine.repos()[0]!;
  return {
    engine,
    repo,
    async archive(out, args = {}) {
      const result = await engine.runPlugin("mirror-snapshot", repo.id, { args: { out, ...args }, trigger: "cli" });
      return result!.data as SnapshotResult;
    },
    async restore(archive, to) {
      const result = await engine.runPlugin("mirror-snapshot", repo.id, { args: { restore: archive, to }, trigger: "cli" });
      return result!.data as RestoreResult;
    },
    journal: () => engine.journal.read(repo.id),
  };
}

export async function stopArchivers(): Promise<void> {
  await Promise.all(rigs.splice(0).map((e) => e.shutdown().catch(() => {})));
}

export interface RepoCheck {
  ok: boolean;
  refs: number;
  problems: string[];
}

/**
 * Judges a repository with plain git only: full `git fsck` passes, for-each-ref reports no broken
 * ref, and every ref's object exists.
 */
export function checkRepo(path: string, options: { full?: boolean } = {}): RepoCheck {
  const problems: string[] = [];
  const fsck = spawnSync("git", ["fsck", "--no-dangling", "--no-progress", ...(options.full === false ? ["--connectivity-only"] : [])], {
    cwd: path,
    env: gitEnv(),
    encoding: "utf8",
  });
  if (fsck.status !== 0) problems.push(`fsck exit ${fsck.status}: ${fsck.stderr.trim().split("\n")[0]}`);
  const refs = spawnSync("git", ["for-each-ref", "--format=%(objectname) %(refname)"], { cwd: path, env: gitEnv(), encoding: "utf8" });
  if (refs.status !== 0 || refs.stderr.trim()) problems.push(`for-each-ref: ${refs.stderr.trim().split("\n")[0]}`);
  const lines = refs.stdout.split("\n").filter(Boolean);
  const oids = [...new Set(lines.map((l) => l.split(" ")[0]))];
  if (oids.length > 0) {
    const out = execFileSync("git", ["cat-file", "--batch-check"], { cwd: path, env: gitEnv(), input: `${oids.join("\n")}\n`, encoding: "utf8" });
    const missing = out.split("\n").filter((l) => l.endsWith(" missing"));
    if (missing.length) problems.push(`${missing.length} refs point to missing objects`);
  }
  return { ok: problems.length === 0, refs: lines.length, problems };
}

/** Files named `<out>.tmp-*` (staging leftovers) beside `out`. */
export function stagingLeftovers(out: string): string[] {
  const dir = dirname(out);
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith(`${basename(out)}.tmp-`)).map((n) => join(dir, n)) : [];
}

/**
 * A naive copier as backup scripts write it: walks the tree in name order (so `objects/` before
 * `packed-refs` and `refs/`), takes each file's size from lstat and then opens the path and copies
 * that many bytes; files that vanish are skipped. `paceMs` per file stands for the time copying a
 * real object store takes (minutes for a large mirror; here a small repository is paced instead).
 */
export async function naiveCopy(src: string, dst: string, paceMs = 1): Promise<{ shortReads: number; vanished: number }> {
  const stats = { shortReads: 0, vanished: 0 };
  const walk = async (from: string, to: string): Promise<void> => {
    mkdirSync(to, { recursive: true });
    let names: string[];
    try {
      names = readdirSync(from).sort();
    } catch {
      stats.vanished++;
      return;
    }
    for (const name of names) {
      const path = join(from, name);
      let st;
      try {
        st = lstatSync(path);
      } catch {
        stats.vanished++;
        continue;
      }
      if (st.isDirectory()) await walk(path, join(to, name));
      else if (st.isFile()) {
        if (paceMs > 0) await sleep(paceMs);
        try {
          const fd = openSync(path, "r");
          const buf = Buffer.alloc(st.size);
          const got = readSync(fd, buf, 0, st.size, 0);
          closeSync(fd);
          if (got < st.size) stats.shortReads++;
          writeFileSync(join(to, name), buf.subarray(0, st.size));
        } catch {
          stats.vanished++;
        }
      }
    }
  };
  await walk(src, dst);
  return stats;
}
