/**
 * The standalone cheap pass (`gitmaint aggregate`, cruft-writer's pre-repack pass) on real
 * repositories: loose objects and settled small packs become one pack, pinned packs are never
 * inputs, nothing runs while a repack does, every deletion is journaled first, no marker is left.
 */
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { allObjects, fsckClean } from "../helpers/cruft.js";
import { cleanupAll, git, makeRepo, spawnTracked, tempDir, waitFor, writeLooseBlobs } from "../helpers/fixtures.js";
import { gitmaintLeftovers, packCount, startAgg, stopAggRigs } from "../helpers/aggregate.js";

afterEach(async () => {
  await stopAggRigs();
  await cleanupAll();
});

/** n small packs (one commit each, pushed from a clone as packs), plus some loose objects. */
function repoWithSmallPacks(n: number): string {
  const bare = makeRepo({ bare: true, commits: 3 });
  git(bare, ["config", "receive.unpackLimit", "1"]);
  const work = join(tempDir("w-"), "w");
  git(tempDir("x-"), ["clone", "-q", bare, work]);
  for (let i = 0; i < n; i++) {
    writeFileSync(join(work, `f${i}.txt`), `pack ${i} ${Math.random()}\n`);
    git(work, ["add", "-A"]);
    git(work, ["commit", "-q", "-m", `c${i}`]);
    git(work, ["push", "-q", "origin", "HEAD:main"]);
  }
  return bare;
}

interface PassData {
  looseObjects: number;
  inputs: string[];
  output?: string;
  deleted: string[];
  stopped?: string;
  skipped: { hash: string; why: string }[];
}

describe("aggregate-during-repack standalone pass", () => {
  it("rolls loose objects and small packs into one pack; objects intact, fsck clean, journal first, no markers left", async () => {
    const bare = repoWithSmallPacks(8);
    writeLooseBlobs(bare, 30);
    const before = allObjects(bare);
    const rig = await startAgg(bare, { stateDir: tempDir("state-"), agg: { minPackAgeMs: 0 } });
    const packDir = rig.repo.packDir;
    expect(packCount(packDir)).toBeGreaterThanOrEqual(8);
    const result = await rig.engine.runPlugin("aggregate-during-repack", rig.repo.id, { args: { mode: "pass" } });
    const data = result?.data as PassData;
    expect(data.looseObjects).toBeGreaterThanOrEqual(30);
    expect(data.output).toBeDefined();
    expect(data.deleted.length).toBeGreaterThanOrEqual(8);
    expect(packCount(packDir)).toBe(1);
    expect(readdirSync(rig.repo.objectsDir).filter((d) => /^[0-9a-f]{2}$/.test(d) && readdirSync(join(rig.repo.objectsDir, d)).length > 0)).toEqual([]);
    expect(allObjects(bare)).toEqual(before);
    fsckClean(bare);
    expect(gitmaintLeftovers(rig.repo.objectsDir)).toEqual([]);
    const journal = await rig.journal();
    const deletes = journal.filter((e) => e.op === "delete" && e.details?.["hashes"]).flatMap((e) => e.details?.["hashes"] as string[]);
    expect(new Set(deletes)).toEqual(new Set(data.deleted));
    // the loose objects deleted are journaled by id
    const looseDeleted = journal.filter((e) => e.op === "delete" && e.details?.["loose"]).flatMap((e) => e.details?.["loose"] as string[]);
    expect(looseDeleted.length).toBeGreaterThanOrEqual(30);
    // the pack written is journaled (path and size) before anything is deleted
    const written = journal.findIndex((e) => e.op === "aggregate" && e.details?.["output"] === data.output);
    expect(written).toBeGreaterThanOrEqual(0);
    expect(journal[written]?.path).toBe(`objects/pack/pack-${data.output}.pack`);
    expect(journal[written]?.bytes).toBeGreaterThan(0);
    expect(journal.findIndex((e) => e.op === "delete")).toBeGreaterThan(written);
    // recorded as written without delta search
    const nd = await rig.engine.runPlugin("aggregate-during-repack", rig.repo.id, { args: { mode: "no-delta" } });
    expect((nd?.data as { noDeltaPacks: { hash: string }[] }).noDeltaPacks.map((p) => p.hash)).toContain(data.output);
  });

  it("never takes kept, cruft (.mtimes), bitmapped, promisor or multi-pack-index packs; dry run changes nothing", async () => {
    const bare = repoWithSmallPacks(8);
    const packs = readdirSync(join(bare, "objects/pack")).filter((n) => n.endsWith(".pack")).map((n) => n.slice(0, -5));
    const pinned = packs.slice(0, 4);
    ["keep", "mtimes", "bitmap", "promisor"].forEach((ext, i) => writeFileSync(join(bare, "objects/pack", `${pinned[i]}.${ext}`), ""));
    const rig = await startAgg(bare, { stateDir: tempDir("state-"), agg: { minPackAgeMs: 0 } });
    const dry = (await rig.engine.runPlugin("aggregate-during-repack", rig.repo.id, { dryRun: true, args: { mode: "pass" } }))?.data as PassData;
    expect(dry.inputs.length).toBe(packs.length - 4);
    expect(packCount(rig.repo.packDir)).toBe(packs.length);
    const data = (await rig.engine.runPlugin("aggregate-during-repack", rig.repo.id, { args: { mode: "pass" } }))?.data as PassData;
    for (const p of pinned) expect(data.inputs).not.toContain(p.slice(5));
    const after = readdirSync(rig.repo.packDir);
    for (const p of pinned) expect(after).toContain(`${p}.pack`);
    expect(packCount(rig.repo.packDir)).toBe(5);
    // a multi-pack-index over the remaining unpinned pack protects it
    for (const p of pinned) for (const ext of ["keep", "mtimes", "bitmap", "promisor"]) rmSync(join(rig.repo.packDir, `${p}.${ext}`), { force: true });
    git(bare, ["multi-pack-index", "write"]);
    const third = (await rig.engine.runPlugin("aggregate-during-repack", rig.repo.id, { args: { mode: "pass" } }))?.data as PassData;
    expect(third.inputs).toEqual([]);
    expect(third.skipped.every((s) => s.why.includes("multi-pack-index"))).toBe(true);
    fsckClean(bare);
  });

  it("refuses while a git repack works on the repository", async () => {
    const bare = repoWithSmallPacks(4);
    const rig = await startAgg(bare, { stateDir: tempDir("state-"), agg: { minPackAgeMs: 0 } });
    const repack = spawnTracked("git", ["repack", "-a", "-d"], { cwd: bare });
    repack.stdout?.resume();
    repack.stderr?.resume();
    process.kill(repack.pid!, "SIGSTOP");
    try {
      const data = (await rig.engine.runPlugin("aggregate-during-repack", rig.repo.id, { args: { mode: "pass" } }))?.data as PassData & {
        session?: unknown;
      };
      // either the pass refused, or (the detector saw the repack first) a session answered
      expect(data.output).toBeUndefined();
      expect(packCount(rig.repo.packDir)).toBeGreaterThanOrEqual(4);
    } finally {
      process.kill(repack.pid!, "SIGCONT");
    }
    await waitFor(() => repack.exitCode !== null, { what: "repack exit" });
    expect(repack.exitCode).toBe(0);
  });
});

