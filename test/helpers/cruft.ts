/**
 * Helpers for the cruft-writer tests: an Engine with cruft-writer loaded, generated repositories
 * (git fast-import), object sets (all, reachable, per pack), cruft-pack mtimes, fsck.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { Engine, type ActionEvent, type GitProgressEvent, type JournalEntry, type Repository } from "@gitmaint/core";
import { cruftWriter } from "@gitmaint/plugins";
import { git, gitEnv, tempDir } from "./fixtures.js";

/** The `data` of a cruft-writer run (mirrors packages/plugins/src/cruft-writer/report.ts). */
export interface RepackData {
  decision: { action: "none" | "pack-loose" | "geometric" | "full"; reasons: string[]; packRefs: boolean; commitGraph: boolean };
  notes: string[];
  planned: string[][];
  steps: { argv: string[]; durationMs: number; ok: boolean; error?: string }[];
  before: { packs: number; looseObjects: number; packBytes: number };
  after: { packs: number; looseObjects: number; packBytes: number };
  reachable: { objects: number; bytes: number };
  cruft: { objects: number; bytes: number };
  dryRun: boolean;
  skipped?: string;
  cleanedLeftovers: string[];
}

export interface CruftRig {
  engine: Engine;
  repo: Repository;
  stateDir: string;
  actions: ActionEvent[];
  progress: GitProgressEvent[];
  repack(mode?: "auto" | "full" | "geometric", dryRun?: boolean): Promise<{ summary: string; data: RepackData }>;
  journal(): Promise<JournalEntry[]>;
  stop(): Promise<void>;
}

const rigs: CruftRig[] = [];

/** Starts an Engine on `repoPath` with cruft-writer (options as in config; no daemon timer by default). */
export async function startCruft(repoPath: string, options: Record<string, unknown> = {}, stateDir = tempDir("state-")): Promise<CruftRig> {
  const engine = await Engine.create({
    repos: [repoPath],
    plugins: [{ definition: cruftWriter, options: { checkIntervalMs: 0, ...options }, source: "builtin" }],
    stateDir,
    watch: false,
  });
  const repo = engine.repos()[0]!;
  const actions: ActionEvent[] = [];
  const progress: GitProgressEvent[] = [];
  engine.bus.on("action", (a) => void actions.push(a));
  engine.bus.on("git.progress", (p) => void progress.push(p));
  const rig: CruftRig = {
    engine,
    repo,
    stateDir,
    actions,
    progress,
    async repack(mode = "auto", dryRun = false) {
      const result = await engine.runPlugin("cruft-writer", repo.id, { dryRun, args: { mode }, trigger: "cli" });
      if (!result) throw new Error("cruft-writer returned no result");
      return { summary: result.summary, data: result.data as RepackData };
    },
    journal: () => engine.journal.read(repo.id),
    stop: async () => {
      const i = rigs.indexOf(rig);
      if (i >= 0) rigs.splice(i, 1);
      await engine.shutdown();
    },
  };
  rigs.push(rig);
  return rig;
}

/** Shuts down every rig started (call before cleanupAll). */
export async function stopCruftRigs(): Promise<void> {
  await Promise.all(rigs.splice(0).map((r) => r.engine.shutdown().catch(() => {})));
}

/**
 * A repository generated with `git fast-import`: `commits` commits on main, each changing
 * `filesPerCommit` files of ~`blobBytes` pseudo-random text (so every commit adds
 * 1 commit + 1..2 trees + filesPerCommit blobs). Returns the repository path.
 */
export function generateRepo(options: { commits: number; filesPerCommit: number; blobBytes?: number; bare?: boolean; branch?: string; into?: string; seed?: number }): string {
  const dir = options.into ?? tempDir("gen-");
  if (!options.into) git(dir, ["init", "-q", ...(options.bare ? ["--bare"] : []), "-b", "main"]);
  const branch = options.branch ?? "main";
  let parentRef: string | undefined;
  if (options.into) {
    try {
      parentRef = git(dir, ["rev-parse", "--verify", "-q", `refs/heads/${branch}`]);
    } catch {
      parentRef = undefined; // a new branch
    }
  }
  const stream = fastImportStream({ ...options, branch, ...(parentRef ? { parentRef } : {}) });
  execFileSync("git", ["-c", "fastimport.unpackLimit=0", "fast-import", "--quiet", "--force"], { cwd: dir, env: gitEnv(), input: stream, maxBuffer: 1 << 30 });
  if (!options.bare && !options.into) git(dir, ["reset", "-q", "--hard"]);
  return dir;
}

/** The fast-import stream of generateRepo (exported for the benchmark). */
export function fastImportStream(o: { commits: number; filesPerCommit: number; blobBytes?: number; branch: string; seed?: number; parentRef?: string }): string {
  let seed = o.seed ?? 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed);
  const words = ["alpha", "beta", "gamma", "delta", "omega", "pack", "cruft", "tree", "blob", "ref"];
  const bytes = o.blobBytes ?? 200;
  const out: string[] = [];
  const t0 = 1_700_000_000;
  for (let c = 0; c < o.commits; c++) {
    out.push(`commit refs/heads/${o.branch}`, `committer T <t@e> ${t0 + c} +0000`);
    const msg = `commit ${c} on ${o.branch}`;
    out.push(`data ${Buffer.byteLength(msg)}`, msg);
    if (c === 0 && o.parentRef) out.push(`from ${o.parentRef}`);
    for (let f = 0; f < o.filesPerCommit; f++) {
      let body = `${o.branch} ${c} ${f}\n`;
      while (body.length < bytes) body += `${words[rnd() % words.length]} ${rnd()}\n`;
      out.push(`M 100644 inline d${(c * o.filesPerCommit + f) % 97}/f${f}-${c % 13}.txt`, `data ${Buffer.byteLength(body)}`, body);
    }
    out.push("");
  }
  return out.join("\n") + "\n";
}

/** Every object in the repository (loose and packed). */
export function allObjects(repo: string): Set<string> {
  const out = git(repo, ["cat-file", "--batch-all-objects", "--batch-check=%(objectname)"]);
  return new Set(out.split("\n").filter(Boolean));
}

/** Objects reachable from refs, reflogs and the index (what repack keeps). */
export function reachableObjects(repo: string): Set<string> {
  const out = git(repo, ["rev-list", "--objects", "--all", "--reflog", "--indexed-objects"]);
  return new Set(out.split("\n").filter(Boolean).map((l) => l.slice(0, l.indexOf(" ") < 0 ? l.length : l.indexOf(" "))));
}

export interface PackListing {
  name: string;
  cruft: boolean;
  objects: string[];
}

/** Packs in a pack dir with their objects (`git show-index`). */
export function listPacks(repo: string, packDir: string): PackListing[] {
  return readdirSync(packDir)
    .filter((n) => /^pack-[0-9a-f]+\.idx$/.test(n))
    .map((idx) => {
      const name = idx.slice(0, -4);
      const out = git(repo, ["show-index"], readFileSync(join(packDir, idx)));
      const objects = out.split("\n").filter(Boolean).map((l) => l.split(" ")[1]!);
      return { name, cruft: existsSync(join(packDir, `${name}.mtimes`)), objects };
    });
}

/** oid -> mtime (seconds) from a cruft pack's `.mtimes` (entries in .idx order). */
export function cruftMtimes(repo: string, packDir: string, name: string): Map<string, number> {
  const oids = git(repo, ["show-index"], readFileSync(join(packDir, `${name}.idx`)))
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(" ")[1]!);
  const buf = readFileSync(join(packDir, `${name}.mtimes`));
  if (buf.toString("latin1", 0, 4) !== "MTME") throw new Error(`${name}.mtimes: bad signature`);
  const map = new Map<string, number>();
  oids.forEach((oid, i) => map.set(oid, buf.readUInt32BE(12 + 4 * i)));
  return map;
}

/** Loose object files of a repository (`objects/xx/...`). */
export function looseObjects(objectsDir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(objectsDir)) {
    if (!/^[0-9a-f]{2}$/.test(d)) continue;
    for (const f of readdirSync(join(objectsDir, d))) if (/^[0-9a-f]{38}$/.test(f)) out.push(d + f);
  }
  return out;
}

/** Sets the mtime of loose objects to `ageMs` ago. */
export function ageLoose(objectsDir: string, oids: Iterable<string>, ageMs: number): void {
  const t = (Date.now() - ageMs) / 1000;
  for (const oid of oids) utimesSync(join(objectsDir, oid.slice(0, 2), oid.slice(2)), t, t);
}

/** Runs `git fsck --full --strict`; returns its output. Throws when it fails or reports a problem. */
export function fsckClean(repo: string): string {
  const out = execFileSync("git", ["fsck", "--full", "--strict", "--no-progress", "--no-dangling"], {
    cwd: repo,
    env: gitEnv(),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (/error|missing|broken|corrupt|bad/i.test(out)) throw new Error(`fsck reported problems:\n${out}`);
  return out;
}

/** Makes objects unreachable inside packs: a side branch, packed, then deleted with its reflog. */
export function packedUnreachable(repo: string, commits = 3): Set<string> {
  const before = allObjects(repo);
  const main = git(repo, ["rev-parse", "main"]);
  execFileSync("git", ["-c", "fastimport.unpackLimit=0", "fast-import", "--quiet"], {
    cwd: repo,
    env: gitEnv(),
    input: fastImportStream({ commits, filesPerCommit: 4, branch: "doomed", seed: 99, parentRef: main }),
  });
  const added = [...allObjects(repo)].filter((o) => !before.has(o));
  git(repo, ["update-ref", "-d", "refs/heads/doomed"]);
  git(repo, ["reflog", "expire", "--expire=now", "--all"]);
  return new Set(added);
}
