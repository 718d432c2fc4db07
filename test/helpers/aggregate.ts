/**
 * Helpers for the aggregate-during-repack tests: an Engine with cruft-writer and the aggregator,
 * a recorder of everything that leaves objects/pack (raw fs.watch), and real writers racing a
 * repack: `git push` clients, `git fast-import` (small packs) and `git hash-object -w` (loose).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, watch, writeFileSync, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Engine, type JournalEntry, type Repository } from "@gitmaint/core";
import { aggregateDuringRepack, cruftWriter } from "@gitmaint/plugins";
import { git, gitEnv, tempDir } from "./fixtures.js";
import type { PushLog } from "./cruft-push.js";

const run = promisify(execFile);

export interface AggRig {
  engine: Engine;
  repo: Repository;
  journal(): Promise<JournalEntry[]>;
  stop(): Promise<void>;
}

const rigs: AggRig[] = [];

/** Fast options for tests (cycles every 400 ms, 300 ms settle). */
export const FAST = { intervalMs: 400, minPackAgeMs: 300, detectIntervalMs: 200, childPollMs: 50, rollUpDelayMs: 0 };

export async function startAgg(
  repoPath: string,
  options: { agg?: Record<string, unknown>; cruft?: Record<string, unknown>; watch?: boolean; stateDir: string },
): Promise<AggRig> {
  const engine = await Engine.create({
    repos: [repoPath],
    plugins: [
      { definition: cruftWriter, options: { checkIntervalMs: 0, ...options.cruft }, source: "builtin" },
      { definition: aggregateDuringRepack, options: { ...FAST, ...options.agg }, source: "builtin" },
    ],
    stateDir: options.stateDir,
    watch: options.watch ?? false,
  });
  const repo = engine.repos()[0]!;
  const rig: AggRig = {
    engine,
    repo,
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

export async function stopAggRigs(): Promise<void> {
  await Promise.all(rigs.splice(0).map((r) => r.engine.shutdown().catch(() => {})));
}

/** Records every `pack-<hash>.pack` that appears in or leaves objects/pack, and the max pack count. */
export class PackDirRecorder {
  readonly removed = new Map<string, number>();
  readonly appeared = new Map<string, number>();
  readonly staging = new Set<string>();
  maxPacks = 0;
  #w: FSWatcher;
  #timer: NodeJS.Timeout;
  constructor(readonly packDir: string) {
    this.#w = watch(packDir, (_t, f) => {
      if (!f) return;
      const name = f.toString();
      const st = /^\.tmp-\d+-pack-([0-9a-f]{40})\./.exec(name);
      if (st) this.staging.add(st[1]!);
      const m = /^pack-([0-9a-f]{40})\.pack$/.exec(name);
      if (!m) return;
      if (existsSync(join(packDir, name))) {
        if (!this.appeared.has(m[1]!)) this.appeared.set(m[1]!, Date.now());
      } else this.removed.set(m[1]!, Date.now());
    });
    this.#timer = setInterval(() => (this.maxPacks = Math.max(this.maxPacks, packCount(packDir))), 100);
  }
  stop(): void {
    this.#w.close();
    clearInterval(this.#timer);
  }
}

export function packCount(packDir: string): number {
  try {
    return readdirSync(packDir).filter((n) => /^pack-[0-9a-f]+\.pack$/.test(n)).length;
  } catch {
    return 0;
  }
}

export function gitmaintLeftovers(objectsDir: string): string[] {
  const out = readdirSync(objectsDir).filter((n) => n.startsWith("gitmaint-aggregate-"));
  for (const n of readdirSync(join(objectsDir, "pack")))
    if (n.endsWith(".keep") && /gitmaint-aggregate/.test(safeRead(join(objectsDir, "pack", n)))) out.push(`pack/${n}`);
  return out;
}

function safeRead(p: string): string {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return "";
  }
}

/** Object ids of `oids` that the repository does not have. */
export function missingObjects(repo: string, oids: Iterable<string>): string[] {
  const list = [...oids];
  if (list.length === 0) return [];
  const out = git(repo, ["cat-file", "--batch-check=%(objectname) %(objecttype)"], list.join("\n") + "\n");
  return out
    .split("\n")
    .filter((l) => l.endsWith(" missing"))
    .map((l) => l.split(" ")[0]!);
}

async function g(cwd: string, args: string[], input?: string): Promise<string> {
  const p = run("git", args, { cwd, env: gitEnv(), maxBuffer: 64 << 20 });
  if (input !== undefined) {
    p.child.stdin?.end(input);
  }
  const { stdout } = await p;
  return stdout.trim();
}

export interface Load {
  log: PushLog;
  /** Objects written by the fast-import and hash-object writers. */
  written: string[];
  writerErrors: string[];
  stop(): Promise<void>;
}

/**
 * Starts the load: each client pushes commits to its own branch in a loop, one fast-import writer
 * adds tiny commits on `refs/heads/fi` (a small pack each) and a hash-object writer adds loose blobs.
 */
export function startLoad(bare: string, clients: string[], pauseMs = 250): Load {
  let running = true;
  const log: PushLog = { pushes: 0, commits: [], lateRefs: [], errors: [] };
  const written: string[] = [];
  const writerErrors: string[] = [];
  const pusher = async (dir: string, i: number) => {
    for (let round = 0; running; round++) {
      try {
        const sub = round % 2 === 0 ? "." : join("deep", `d${round % 5}`);
        mkdirSync(join(dir, sub), { recursive: true });
        writeFileSync(join(dir, sub, `f${i}.txt`), `client ${i} round ${round} ${Math.random()}\n`);
        await g(dir, ["add", "-A"]);
        await g(dir, ["commit", "-q", "-m", `client ${i} round ${round}`]);
        const sha = await g(dir, ["rev-parse", "HEAD"]);
        await g(dir, ["push", "-q", "origin", `HEAD:refs/heads/c${i}`]);
        log.commits.push({ branch: `c${i}`, sha });
        log.pushes++;
        await new Promise((r) => setTimeout(r, pauseMs));
      } catch (error) {
        log.errors.push(`client ${i} round ${round}: ${String(error).slice(0, 300)}`);
        if (log.errors.length > 20) return;
      }
    }
  };
  const marks = join(tempDir("marks-"), "marks");
  const fastImport = async () => {
    for (let n = 0; running; n++) {
      try {
        const body = `fast-import ${n} ${Math.random()}\n`;
        const stream = `blob\nmark :1\ndata ${Buffer.byteLength(body)}\n${body}\ncommit refs/heads/fi-${n % 3}\nmark :2\ncommitter W <w@e> ${1_700_000_000 + n} +0000\ndata 3\nfi\n${n >= 3 ? `from refs/heads/fi-${n % 3}^0\n` : ""}M 100644 :1 f${n % 7}.txt\n\n`;
        await g(bare, ["-c", "fastimport.unpackLimit=0", "fast-import", "--quiet", "--force", `--export-marks=${marks}`], stream);
        for (const line of readFileSync(marks, "utf8").split("\n")) {
          const oid = line.split(" ")[1];
          if (oid) written.push(oid);
        }
        const blobs = Array.from({ length: 5 }, (_, k) => `loose ${n} ${k} ${Math.random()}\n`);
        for (const b of blobs) written.push(await g(bare, ["hash-object", "-w", "--stdin"], b));
        await new Promise((r) => setTimeout(r, pauseMs));
      } catch (error) {
        writerErrors.push(String(error).slice(0, 300));
        if (writerErrors.length > 20) return;
      }
    }
  };
  const tasks = [...clients.map((d, i) => pusher(d, i)), fastImport()];
  return {
    log,
    written,
    writerErrors,
    stop: async () => {
      running = false;
      await Promise.all(tasks);
    },
  };
}
