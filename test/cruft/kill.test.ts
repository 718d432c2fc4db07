/**
 * SIGKILL mid-repack (invariant 7): the repository still passes fsck and loses nothing; what the
 * killed git left is cleaned — by GitRunner when gitmaint survives (the run fails and is
 * journaled), and by the next cruft-writer run when gitmaint itself died with it (the in-flight
 * record in the plugin state names the dead step).
 */
import { readdirSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { StateStore } from "@gitmaint/core";
import { cleanupAll, spawnTracked, waitFor } from "../helpers/fixtures.js";
import { allObjects, fsckClean, generateRepo, startCruft, stopCruftRigs } from "../helpers/cruft.js";

afterEach(async () => {
  await stopCruftRigs();
  await cleanupAll();
});

/** A bare repository big enough for a repack to take a moment, in two packs. */
function bigRepo(): string {
  const path = generateRepo({ commits: 250, filesPerCommit: 20, blobBytes: 1500, bare: true });
  generateRepo({ commits: 20, filesPerCommit: 20, blobBytes: 1500, into: path, seed: 3 });
  return path;
}

const leftovers = (packDir: string) => readdirSync(packDir).filter((n) => n.startsWith("tmp_") || n.startsWith(".tmp-") || n.endsWith(".lock"));

describe("cruft-writer and SIGKILL", () => {
  it("a repack SIGKILLed mid-way: the run fails and is journaled, fsck is clean, nothing is lost, the next run finishes the job", async () => {
    const path = bigRepo();
    const everything = allObjects(path);
    const rig = await startCruft(path, { packThreads: 1 });
    const packDir = rig.repo.packDir;

    const run = rig.repack("full");
    const outcome = run.then(
      () => undefined,
      (e: unknown) => e,
    );
    const victim = await waitFor(
      () => {
        const live = rig.engine.liveRuns().find((r) => r.owner === "cruft-writer" && r.argv[0] === "repack");
        return live && leftovers(packDir).length > 0 ? live : undefined;
      },
      { intervalMs: 5, timeoutMs: 30_000, what: "the repack to start writing" },
    );
    process.kill(-victim.pid, "SIGKILL"); // the whole tree: repack and its pack-objects
    const error = await outcome;
    expect(String(error)).toMatch(/killed by SIGKILL/);

    const journal = await rig.journal();
    expect(journal.some((e) => e.op === "failure" && e.plugin === "cruft-writer" && /full repack failed at git .*repack --cruft/.test(e.reason))).toBe(true);
    expect(rig.actions.some((a) => a.plugin === "cruft-writer" && a.kind === "alerted")).toBe(true);
    // the after-failure cleanup removed the dead run's files, never the maintenance lock we held
    expect(journal.filter((e) => e.op === "delete" && /lock$/.test(e.path ?? "")).map((e) => e.path)).toEqual([]);
    expect(journal.some((e) => e.op === "delete" && /^objects\/pack\/(tmp_|\.tmp-)/.test(e.path ?? "") && /killed by SIGKILL/.test(e.reason))).toBe(true);
    expect(leftovers(packDir)).toEqual([]);
    fsckClean(path);
    expect(allObjects(path)).toEqual(everything);

    const { data } = await rig.repack("full");
    expect(data.steps.every((s) => s.ok)).toBe(true);
    expect(leftovers(packDir)).toEqual([]);
    expect(allObjects(path)).toEqual(everything);
    fsckClean(path);
  });

  it("gitmaint killed with its repack: the next run removes the dead repack's leftovers (journaled) and repacks", async () => {
    const path = bigRepo();
    const everything = allObjects(path);
    const rig = await startCruft(path, { packThreads: 1 });
    const packDir = rig.repo.packDir;

    // What gitmaint had recorded before it died, and the repack it was running (killed with it).
    const argv = ["-c", "pack.threads=1", "repack", "--cruft", "--cruft-expiration=2.weeks.ago", "-d", "-l"];
    const startedAt = Date.now();
    const repack = spawnTracked("git", argv, { cwd: path, detached: true });
    await new StateStore({ dir: rig.stateDir, plugin: "cruft-writer" }).set(rig.repo.id, "inflight", {
      subcommand: "repack",
      argv,
      startedAt,
      pid: repack.pid,
    });
    await waitFor(() => leftovers(packDir).length > 0, { intervalMs: 5, timeoutMs: 30_000, what: "the repack to start writing" });
    const gone = new Promise((r) => repack.once("exit", r));
    process.kill(-repack.pid!, "SIGKILL");
    await gone;
    const left = leftovers(packDir);
    expect(left.length).toBeGreaterThan(0);
    fsckClean(path);

    const { data } = await rig.repack("full");
    expect(data.cleanedLeftovers.sort()).toEqual(left.map((n) => `objects/pack/${n}`).sort());
    const journal = await rig.journal();
    for (const n of left) {
      expect(journal.some((e) => e.op === "delete" && e.path === `objects/pack/${n}` && /left by failed git repack \(pid \d+, gitmaint was killed/.test(e.reason))).toBe(true);
    }
    expect(data.steps.every((s) => s.ok)).toBe(true);
    expect(leftovers(packDir)).toEqual([]);
    expect(allObjects(path)).toEqual(everything);
    fsckClean(path);
    // the record is cleared: a further run has nothing of a previous run to clean
    expect(await new StateStore({ dir: rig.stateDir, plugin: "cruft-writer" }).get(rig.repo.id, "inflight")).toBeNull();
  });
});
