/**
 * Real pushes racing repacks: `clients` clones push small commits to their own branch of a bare
 * repository; every 4th round a client first pushes its commit to a temporary ref and deletes it
 * (the objects are on the server, unreachable), and the server sets a late ref to that commit a
 * moment later — objects that land before their ref, the case a thorough repack must not lose.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { generateRepo, startCruft } from "./cruft.js";
import { git, gitEnv, tempDir } from "./fixtures.js";

const run = promisify(execFile);

export interface PushLog {
  /** Successful `git push` invocations. */
  pushes: number;
  /** Every commit pushed, with the client branch it belongs to. */
  commits: { branch: string; sha: string }[];
  /** Server-side refs set after their objects had landed. */
  lateRefs: { ref: string; sha: string }[];
  /** Failed commands (should stay empty). */
  errors: string[];
}

async function g(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd, env: gitEnv(), maxBuffer: 64 << 20 });
  return stdout.trim();
}

/** Prepares the bare server for the race: no auto gc, small pushes alternate loose/packed. */
export function prepareServer(bare: string): void {
  git(bare, ["config", "receive.autogc", "false"]);
  git(bare, ["config", "receive.unpackLimit", "4"]);
}

/** Clones `clients` working copies of `bare`. */
export function cloneClients(bare: string, clients: number): string[] {
  return Array.from({ length: clients }, (_, i) => {
    const dir = join(tempDir(`client${i}-`), "w");
    git(tempDir("x-"), ["clone", "-q", bare, dir]);
    git(dir, ["checkout", "-q", "-b", `c${i}`]);
    return dir;
  });
}

/**
 * Runs the pushers until each has pushed `pushesPerClient` times. `whileUnreachable` is awaited
 * between the landing of unreachable objects and their late ref (e.g. until a whole repack ran).
 */
export async function pushRace(
  bare: string,
  clients: string[],
  pushesPerClient: number,
  whileUnreachable: () => Promise<void> = () => new Promise((r) => setTimeout(r, 20)),
): Promise<PushLog> {
  const log: PushLog = { pushes: 0, commits: [], lateRefs: [], errors: [] };
  await Promise.all(clients.map((dir, i) => pusher(bare, dir, i, pushesPerClient, log, whileUnreachable)));
  return log;
}

async function pusher(bare: string, dir: string, i: number, quota: number, log: PushLog, whileUnreachable: () => Promise<void>): Promise<void> {
  const branch = `c${i}`;
  let pushed = 0;
  for (let round = 0; pushed < quota; round++) {
    try {
      // alternate a root file (3 objects: unpacked) and a nested one (4+: kept as a pack)
      const sub = round % 2 === 0 ? "." : join("deep", `d${round % 5}`);
      mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, sub, `f${i}.txt`), `client ${i} round ${round} ${Math.random()}\n`);
      await g(dir, ["add", "-A"]);
      await g(dir, ["commit", "-q", "-m", `client ${i} round ${round}`]);
      const sha = await g(dir, ["rev-parse", "HEAD"]);
      log.commits.push({ branch, sha });
      if (round % 4 === 3 && pushed + 2 <= quota) {
        const tmp = `refs/tmp/${branch}-${round}`;
        await g(dir, ["push", "-q", "origin", `HEAD:${tmp}`]);
        await g(dir, ["push", "-q", "origin", `:${tmp}`]);
        pushed += 2;
        log.pushes += 2;
        // the objects are on the server and unreachable; the ref lands later
        await whileUnreachable();
        const ref = `refs/heads/late-${branch}-${round}`;
        await g(bare, ["update-ref", ref, sha]);
        log.lateRefs.push({ ref, sha });
      } else {
        await g(dir, ["push", "-q", "origin", `HEAD:refs/heads/${branch}`]);
        pushed += 1;
        log.pushes += 1;
      }
    } catch (error) {
      log.errors.push(`client ${i} round ${round}: ${String(error).slice(0, 400)}`);
      if (log.errors.length > 20) return;
    }
  }
  // the last commits may only be on a tmp/late ref: put the branch at HEAD
  try {
    await g(dir, ["push", "-q", "origin", `HEAD:refs/heads/${branch}`]);
  } catch (error) {
    log.errors.push(`client ${i} final push: ${String(error).slice(0, 400)}`);
  }
}

/** Checks every pushed commit is present and reachable from its ref; returns problems. */
export function verifyPushes(bare: string, log: PushLog): string[] {
  const problems: string[] = [];
  const tips = new Map<string, string>();
  for (const line of git(bare, ["for-each-ref", "--format=%(refname) %(objectname)"]).split("\n").filter(Boolean)) {
    const [ref, sha] = line.split(" ");
    tips.set(ref!, sha!);
  }
  for (const { ref, sha } of log.lateRefs) if (tips.get(ref) !== sha) problems.push(`${ref} is ${tips.get(ref)}, expected ${sha}`);
  // one rev-list per branch: every commit pushed must be an ancestor of its branch tip
  const byBranch = new Map<string, string[]>();
  for (const c of log.commits) byBranch.set(c.branch, [...(byBranch.get(c.branch) ?? []), c.sha]);
  for (const [branch, shas] of byBranch) {
    const tip = tips.get(`refs/heads/${branch}`);
    if (!tip) {
      problems.push(`refs/heads/${branch} missing`);
      continue;
    }
    const reachable = new Set(git(bare, ["rev-list", tip]).split("\n"));
    for (const sha of shas) if (!reachable.has(sha)) problems.push(`${sha} not reachable from ${branch}`);
  }
  return problems;
}

/**
 * A bare repository, `clients` pushers, and cruft-writer running back-to-back full repacks until the
 * pushers are done; a late ref lands only after a whole full repack ran while its objects were
 * unreachable. Ends with one more full repack.
 */
export async function raceFullRepacks(options: { baseCommits: number; clients: number; pushesPerClient: number; plugin?: Record<string, unknown> }) {
  const bare = generateRepo({ commits: options.baseCommits, filesPerCommit: 10, bare: true });
  prepareServer(bare);
  const clients = cloneClients(bare, options.clients);
  const rig = await startCruft(bare, options.plugin ?? {});

  let racing = true;
  const repacks = { ok: 0, failed: [] as string[], duringPushes: 0 };
  let finished: (() => void)[] = [];
  const loop = (async () => {
    while (racing) {
      try {
        const { data } = await rig.repack("full");
        if (data.skipped) repacks.failed.push(`skipped: ${data.skipped}`);
        else repacks.ok++;
        if (racing) repacks.duringPushes++;
      } catch (error) {
        repacks.failed.push(String(error));
      }
      const waiting = finished;
      finished = [];
      for (const wake of waiting) wake();
    }
  })();
  // Late refs land only after a whole full repack ran while their objects were unreachable.
  const nextRepack = () => new Promise<void>((r) => finished.push(r));
  const afterAWholeRepack = async () => {
    await nextRepack(); // the one in flight may have started before the objects landed
    await nextRepack();
  };
  const log = await pushRace(bare, clients, options.pushesPerClient, afterAWholeRepack);
  racing = false;
  await loop;

  // one more full repack after the race, then judge
  await rig.repack("full");
  return { bare, log, repacks, rig };
}
