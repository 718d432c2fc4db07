/**
 * SIGKILL trials for aggregate-during-repack: a child gitmaint (aggregate-child.mjs) runs passes
 * back to back while a writer adds loose objects and small packs; the child is killed with SIGKILL
 * at a random moment. Then: fsck clean, every written object present, and a new engine's start-up
 * removes the stale markers and staging directories and its pass finishes the job.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fsckClean } from "./cruft.js";
import { git, gitEnv, makeRepo, tempDir, waitFor, writeLooseBlobs } from "./fixtures.js";
import { gitmaintLeftovers, missingObjects, startAgg } from "./aggregate.js";

const CHILD = fileURLToPath(new URL("./aggregate-child.mjs", import.meta.url));

export interface KillTrial {
  /** What the killed process left (markers, staging dirs) before the next start-up. */
  leftBehind: string[];
  passesBeforeKill: number;
  problems: string[];
}

/** Writes one small pack of `n` new blobs; returns their ids. */
function smallPack(bare: string, n: number, tag: string): string[] {
  const oids = writeLooseBlobs(bare, n, tag);
  git(bare, ["pack-objects", "-q", "objects/pack/pack"], oids.join("\n") + "\n");
  return oids;
}

export async function killTrial(seed: number): Promise<KillTrial> {
  const bare = makeRepo({ bare: true, commits: 2 });
  const stateDir = tempDir("state-");
  const written: string[] = [];
  for (let i = 0; i < 6; i++) written.push(...smallPack(bare, 3, `pre${seed}-${i}`));
  written.push(...writeLooseBlobs(bare, 20, `loose${seed}`));
  const child = spawn(process.execPath, [CHILD, bare, stateDir], { env: gitEnv(), stdio: ["ignore", "pipe", "pipe"], cwd: fileURLToPath(new URL("../..", import.meta.url)) });
  let out = "";
  child.stdout.on("data", (d) => (out += String(d)));
  child.stderr.on("data", (d) => (out += String(d)));
  await waitFor(() => out.includes("ready"), { timeoutMs: 30_000, what: `child ready (${out})` });
  // keep feeding it while it runs, then kill at a random moment
  const killAfter = 100 + ((seed * 7919) % 1400);
  const until = Date.now() + killAfter;
  let i = 0;
  while (Date.now() < until) {
    written.push(...(i % 2 === 0 ? smallPack(bare, 2, `w${seed}-${i}`) : writeLooseBlobs(bare, 5, `l${seed}-${i}`)));
    i++;
  }
  child.kill("SIGKILL");
  await new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));
  const objectsDir = join(bare, "objects");
  const leftBehind = gitmaintLeftovers(objectsDir);
  const problems: string[] = [];
  try {
    fsckClean(bare);
  } catch (error) {
    problems.push(`fsck after kill: ${String(error).slice(0, 500)}`);
  }
  const missing = missingObjects(bare, written);
  if (missing.length > 0) problems.push(`missing after kill: ${missing.slice(0, 5).join(" ")}`);

  // the next run: start-up clean-up, then a pass that finishes the job
  const rig = await startAgg(bare, { stateDir, agg: { minPackAgeMs: 0 } });
  await rig.engine.runPlugin("aggregate-during-repack", rig.repo.id, { args: { mode: "pass" } });
  const again = await rig.engine.runPlugin("aggregate-during-repack", rig.repo.id, { args: { mode: "pass" } });
  await rig.stop();
  const after = gitmaintLeftovers(objectsDir);
  if (after.length > 0) problems.push(`left after the next run: ${after.join(", ")}`);
  const packDir = join(objectsDir, "pack");
  for (const n of readdirSync(packDir))
    if (n.endsWith(".idx") && !existsSync(join(packDir, n.replace(/\.idx$/, ".pack")))) problems.push(`orphan ${n}`);
  const packs = readdirSync(packDir).filter((n) => n.endsWith(".pack")).length;
  if (packs > 1) problems.push(`${packs} packs after the next run's passes (${again?.summary ?? ""})`);
  try {
    fsckClean(bare);
  } catch (error) {
    problems.push(`fsck after the next run: ${String(error).slice(0, 500)}`);
  }
  const missing2 = missingObjects(bare, written);
  if (missing2.length > 0) problems.push(`missing after the next run: ${missing2.slice(0, 5).join(" ")}`);
  return { leftBehind, passesBeforeKill: (out.match(/^pass:/gm) ?? []).length, problems };
}
