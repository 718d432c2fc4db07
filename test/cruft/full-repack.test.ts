/**
 * cruft-writer full repacks on real repositories: the cruft pack holds exactly the unreachable
 * objects (with their mtimes), reachable objects end in one pack, fsck is clean; the grace period
 * keeps young unreachable objects and a later full repack expires the older ones; the git < 2.37
 * branch (repack -A + prune --expire) on a real git; progress, action, journal and state.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll, git, writeLooseBlobs } from "../helpers/fixtures.js";
import {
  ageLoose,
  allObjects,
  cruftMtimes,
  fsckClean,
  generateRepo,
  listPacks,
  looseObjects,
  packedUnreachable,
  reachableObjects,
  startCruft,
  stopCruftRigs,
} from "../helpers/cruft.js";

const DAY = 86_400_000;

afterEach(async () => {
  await stopCruftRigs();
  await cleanupAll();
});

const sorted = (s: Iterable<string>) => [...s].sort();
/** argv without the leading `-c key=value` pairs. */
const bare = (argv: string[]) => argv.filter((a, i) => a !== "-c" && argv[i - 1] !== "-c");

describe("cruft-writer full repack", () => {
  it("writes a .mtimes cruft pack holding exactly the unreachable objects; reachable objects in one pack; fsck clean", async () => {
    const path = generateRepo({ commits: 30, filesPerCommit: 5 });
    git(path, ["repack", "-q", "-d"]); // pack 1
    generateRepo({ commits: 10, filesPerCommit: 5, into: path, branch: "main", seed: 7 });
    const packedDoomed = packedUnreachable(path, 4); // unreachable objects inside a pack
    const loose = writeLooseBlobs(path, 40, "unreachable"); // unreachable loose objects
    const everything = allObjects(path);
    const reachable = reachableObjects(path);
    const unreachable = new Set([...everything].filter((o) => !reachable.has(o)));
    expect(unreachable.size).toBeGreaterThanOrEqual(packedDoomed.size + loose.length);
    for (const o of [...packedDoomed, ...loose]) expect(unreachable.has(o)).toBe(true);

    const rig = await startCruft(path);
    const packDir = rig.repo.packDir;
    expect(listPacks(path, packDir).length).toBeGreaterThanOrEqual(3);

    const dry = await rig.repack("auto", true);
    expect(dry.data.decision.action).toBe("full");
    expect(dry.data.decision.reasons[0]).toMatch(/non-cruft packs and last full repack never done/);
    expect(dry.data.steps).toEqual([]);
    expect(dry.data.planned[0]).toEqual(expect.arrayContaining(["repack", "--cruft", "--cruft-expiration=2.weeks.ago", "-d", "-l"]));
    expect(listPacks(path, packDir).length).toBeGreaterThanOrEqual(3); // dry run changed nothing

    const { data, summary } = await rig.repack("auto");
    expect(summary).toMatch(/full repack done/);
    expect(data.steps.map((s) => s.ok)).toEqual(data.steps.map(() => true));
    expect(data.steps.map((s) => bare(s.argv).slice(0, 2).join(" "))).toEqual(["repack --cruft", "prune --expire", "commit-graph write"]);
    expect(data.steps[0]?.argv.slice(0, 4)).toEqual(["-c", expect.stringMatching(/^pack\.threads=\d+$/), "-c", "pack.windowMemory=256m"]);

    const packs = listPacks(path, packDir);
    const cruft = packs.filter((p) => p.cruft);
    const normal = packs.filter((p) => !p.cruft);
    expect(cruft).toHaveLength(1);
    expect(normal).toHaveLength(1);
    expect(sorted(cruft[0]!.objects)).toEqual(sorted(unreachable));
    expect(sorted(normal[0]!.objects)).toEqual(sorted(reachable));
    expect(looseObjects(rig.repo.objectsDir)).toEqual([]);
    expect(allObjects(path)).toEqual(everything); // nothing lost: all were younger than the grace
    fsckClean(path);
    expect(existsSync(join(rig.repo.objectsDir, "info", "commit-graphs", "commit-graph-chain"))).toBe(true);

    expect(data.reachable.objects).toBe(reachable.size);
    expect(data.cruft.objects).toBe(unreachable.size);
    expect(data.before.packs).toBeGreaterThanOrEqual(3);
    expect(data.after.packs).toBe(2);
    expect(data.before.looseObjects).toBeGreaterThan(0);
    expect(data.after.looseObjects).toBe(0);

    // action event with before/after metrics; journal; state
    const action = rig.actions.find((a) => a.plugin === "cruft-writer" && a.kind === "repacked");
    expect(action?.details).toMatchObject({ before: data.before, after: data.after, reachable: data.reachable, cruft: data.cruft });
    const journal = await rig.journal();
    expect(journal.filter((e) => e.op === "pack-written").map((e) => e.path).sort()).toEqual(packs.map((p) => `objects/pack/${p.name}.pack`).sort());
    expect(journal.filter((e) => e.op === "delete" && e.plugin === "cruft-writer").length).toBeGreaterThanOrEqual(3);
    expect(journal.some((e) => e.op === "repack" && e.plugin === "cruft-writer")).toBe(true);
    // step-level progress for every git step (git repack prints none without a terminal)
    expect(rig.progress.filter((p) => p.owner === "cruft-writer").map((p) => p.phase)).toEqual(
      expect.arrayContaining(["step 1/3: repack", "step 2/3: prune", "step 3/3: commit-graph"]),
    );

    // the cooldown now holds: with several packs again, auto does not pick another full repack
    git(path, ["commit", "-q", "--allow-empty", "-m", "more"]);
    git(path, ["repack", "-q"]);
    const again = await rig.repack("auto", true);
    expect(again.data.decision.action).not.toBe("full");
    expect(again.data.decision.reasons.join()).toMatch(/last full repack \S+ ago \(cooldown 5d\)/);
  });

  it("writes a pack bitmap on a bare repository (and drops a stale multi-pack-index)", async () => {
    const path = generateRepo({ commits: 20, filesPerCommit: 4, bare: true });
    generateRepo({ commits: 5, filesPerCommit: 4, into: path, seed: 3 });
    const rig = await startCruft(path);
    await rig.repack("geometric");
    expect(readdirSync(rig.repo.packDir)).toContain("multi-pack-index");
    const { data } = await rig.repack("full");
    expect(data.steps[0]?.argv).toContain("-b");
    expect(data.steps[0]?.argv).not.toContain("--write-midx");
    const names = readdirSync(rig.repo.packDir);
    const main = listPacks(path, rig.repo.packDir).find((p) => !p.cruft)!;
    expect(names).toContain(`${main.name}.bitmap`);
    expect(names).not.toContain("multi-pack-index");
    fsckClean(path);
    expect(git(path, ["rev-list", "--count", "--all", "--use-bitmap-index"])).toBe("25");
  });

  it("grace: unreachable objects younger than it survive, older ones expire in a later full repack (via .mtimes)", async () => {
    const path = generateRepo({ commits: 10, filesPerCommit: 3 });
    const young = writeLooseBlobs(path, 10, "young");
    const middle = writeLooseBlobs(path, 10, "middle");
    const old = writeLooseBlobs(path, 10, "old");
    const objectsDir = join(path, ".git", "objects");
    ageLoose(objectsDir, middle, 10 * DAY);
    ageLoose(objectsDir, old, 30 * DAY);

    // first full repack, grace 2 weeks: old (30 d) expire; young and middle go to the cruft pack with their mtimes
    const rig1 = await startCruft(path);
    await rig1.repack("full");
    const packDir = rig1.repo.packDir;
    let cruft = listPacks(path, packDir).filter((p) => p.cruft);
    expect(cruft).toHaveLength(1);
    expect(sorted(cruft[0]!.objects)).toEqual(sorted([...young, ...middle]));
    const mtimes = cruftMtimes(path, packDir, cruft[0]!.name);
    const nowS = Date.now() / 1000;
    for (const o of middle) expect(Math.abs(nowS - 10 * 86_400 - mtimes.get(o)!)).toBeLessThan(120);
    for (const o of young) expect(nowS - mtimes.get(o)!).toBeLessThan(600);
    const present = allObjects(path);
    for (const o of old) expect(present.has(o)).toBe(false);
    // the objects prune removed are journaled (count and ids)
    const pruneEntry = (await rig1.journal()).find((e) => e.op === "delete" && /removed by git prune --expire/.test(e.reason));
    expect(pruneEntry?.details?.["count"]).toBe(old.length);
    expect(sorted((pruneEntry?.details?.["objects"] as { oid: string }[]).map((o) => o.oid))).toEqual(sorted(old));
    for (const o of [...young, ...middle]) expect(present.has(o)).toBe(true);
    fsckClean(path);
    await rig1.stop();

    // a later full repack with a 7-day grace: the middle ones (10 d, per .mtimes) expire, young stay
    const rig2 = await startCruft(path, { grace: "7.days.ago" }, rig1.stateDir);
    const { data } = await rig2.repack("full");
    expect(data.steps[0]?.argv).toContain("--cruft-expiration=7.days.ago");
    cruft = listPacks(path, packDir).filter((p) => p.cruft);
    expect(cruft).toHaveLength(1);
    expect(sorted(cruft[0]!.objects)).toEqual(sorted(young));
    const after = allObjects(path);
    for (const o of middle) expect(after.has(o)).toBe(false);
    for (const o of young) expect(after.has(o)).toBe(true);
    fsckClean(path);
  });

  it("git < 2.37 branch (injected version) on real git: repack -A loosens young unreachable objects, prune --expire drops old ones", async () => {
    const path = generateRepo({ commits: 10, filesPerCommit: 3 });
    git(path, ["repack", "-q", "-d"]);
    const doomed = packedUnreachable(path, 2); // packed and unreachable: must be loosened, not dropped
    const old = writeLooseBlobs(path, 5, "old");
    const objectsDir = join(path, ".git", "objects");
    ageLoose(objectsDir, old, 30 * DAY);
    const reachable = reachableObjects(path);

    const rig = await startCruft(path, { assumeGitVersion: "2.36.0" });
    const { data } = await rig.repack("full");
    expect(data.decision.reasons.join()).toMatch(/git 2.36.0 has no cruft packs \(needs 2.37\)/);
    expect(data.steps.map((s) => bare(s.argv).slice(0, 2).join(" "))).toEqual(["repack -A", "prune --expire", "commit-graph write"]);
    const packs = listPacks(path, rig.repo.packDir);
    expect(packs.filter((p) => p.cruft)).toEqual([]);
    expect(packs).toHaveLength(1);
    expect(sorted(packs[0]!.objects)).toEqual(sorted(reachable));
    const loose = new Set(looseObjects(objectsDir));
    for (const o of doomed) expect(loose.has(o)).toBe(true); // young: loosened, kept
    for (const o of old) expect(loose.has(o)).toBe(false); // past the grace: pruned
    fsckClean(path);
  });
});
