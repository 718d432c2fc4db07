/**
 * Data safety of one roll-up cycle, driven directly on real repositories with real git:
 * - an object the inputs share with a pack the running repack listed (and may drop with -d) is
 *   carried into the output: only packs certain to survive are named as excluded;
 * - inputs are never deleted when the output could not be installed (a stale `.keep` of its name);
 * - loose objects deleted by a cycle are journaled by id before they go.
 */
import { cpSync, existsSync, readdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listPackDir } from "../../packages/plugins/src/aggregate-during-repack/pack-dir.js";
import { ProtectedSet } from "../../packages/plugins/src/aggregate-during-repack/protect.js";
import { blob, cycleRig, hasObject, packOf, packOids } from "../helpers/aggregate-cycle.js";
import { allObjects, fsckClean } from "../helpers/cruft.js";
import { cleanupAll, git, makeRepo, tempDir, writeLooseBlobs } from "../helpers/fixtures.js";

afterEach(cleanupAll);

function packs(packDir: string): string[] {
  return readdirSync(packDir)
    .filter((n) => /^pack-[0-9a-f]+\.pack$/.test(n))
    .map((n) => n.slice(5, -5))
    .sort();
}

describe("aggregate-during-repack cycle safety", () => {
  it("keeps an object that the inputs share with a protected pack the repack may delete", async () => {
    const bare = makeRepo({ bare: true, commits: 3 });
    git(bare, ["repack", "-a", "-d", "-q"]);
    const packDir = join(bare, "objects/pack");
    const [base] = packs(packDir);
    // B: the repack's kept pack (survives repack -d); P: an old pack holding unreachable O
    writeFileSync(join(packDir, `pack-${base}.keep`), "user keep\n");
    const o = blob(bare, "old unreachable object, expired\n");
    const p = packOf(bare, [o]);
    git(bare, ["prune-packed"]);
    const protectedSet = new ProtectedSet();
    protectedSet.addListing(await listPackDir(packDir), undefined, "listed by the running repack");
    expect(protectedSet.has(p)).toBe(true);
    // after the repack listed its packs: a push re-sends O (I1) and other small packs arrive (I2)
    const inB = packOids(bare, base!).find((x) => git(bare, ["cat-file", "-t", x]) === "blob")!;
    const i1 = packOf(bare, [o, blob(bare, "pushed along with O\n")]);
    const i2 = packOf(bare, [blob(bare, "another push\n"), inB]);
    git(bare, ["prune-packed"]);
    const before = allObjects(bare);

    const rig = cycleRig(bare, {}, protectedSet);
    const res = await rig.run();
    expect(res.inputs.sort()).toEqual([i1, i2].sort());
    expect(res.output).toBeDefined();
    expect(res.deleted.sort()).toEqual([i1, i2].sort());
    const out = packOids(bare, res.output!);
    expect(out).toContain(o);
    // B had a .keep when the repack listed it: it survives, so it may be excluded (cheaper walk)
    expect(out).not.toContain(inB);

    // the repack finishes: -d deletes P (O expired), B stays (kept)
    for (const ext of ["pack", "idx"]) unlinkSync(join(packDir, `pack-${p}.${ext}`));
    expect(hasObject(bare, o)).toBe(true);
    expect(hasObject(bare, inB)).toBe(true);
    expect(allObjects(bare)).toEqual(before);
    fsckClean(bare);
  });

  it("never deletes the inputs when the output was not installed (a stale .keep of its name)", async () => {
    const bare = makeRepo({ bare: true, commits: 2 });
    git(bare, ["repack", "-a", "-d", "-q"]);
    const i1 = packOf(bare, [blob(bare, "small pack one\n")]);
    const i2 = packOf(bare, [blob(bare, "small pack two\n")]);
    git(bare, ["prune-packed"]);
    // the deterministic output hash H, from the same cycle on a copy
    const copy = join(tempDir("copy-"), "r.git");
    cpSync(bare, copy, { recursive: true });
    const h = (await cycleRig(copy).run()).output;
    expect(h).toBeDefined();
    const packDir = join(bare, "objects/pack");
    writeFileSync(join(packDir, `pack-${h}.keep`), "stale keep of someone else\n");
    const before = allObjects(bare);

    const rig = cycleRig(bare);
    const res = await rig.run();
    expect(res.output).toBe(h);
    expect(res.deleted).toEqual([]);
    expect(res.stopped).toMatch(/not installed/);
    expect(packs(packDir)).toEqual(expect.arrayContaining([i1, i2]));
    expect(existsSync(join(packDir, `pack-${h}.pack`))).toBe(false);
    expect(existsSync(join(packDir, `pack-${h}.keep`))).toBe(true);
    expect(allObjects(bare)).toEqual(before);
    expect(rig.records.some((e) => e.op === "delete")).toBe(false);
    expect(rig.records.some((e) => e.op === "note" && e.reason.includes("kept the 2 inputs"))).toBe(true);
    fsckClean(bare);
  });

  it("journals every loose object it deletes, by id, before deleting it", async () => {
    const bare = makeRepo({ bare: true, commits: 1 });
    git(bare, ["repack", "-a", "-d", "-q"]);
    const oids = writeLooseBlobs(bare, 12);
    const rig = cycleRig(bare);
    const presentWhenJournaled: boolean[] = [];
    rig.onRecord = (e) => {
      const batch = e.details?.["loose"] as string[] | undefined;
      if (e.op === "delete" && batch) for (const oid of batch) presentWhenJournaled.push(existsSync(join(bare, "objects", oid.slice(0, 2), oid.slice(2))));
    };
    const res = await rig.run({ looseSince: undefined });
    expect(res.prunedLoose).toBe(12);
    const journaled = rig.records.filter((e) => e.op === "delete").flatMap((e) => (e.details?.["loose"] as string[] | undefined) ?? []);
    expect(journaled.sort()).toEqual([...oids].sort());
    expect(presentWhenJournaled).toHaveLength(12);
    expect(presentWhenJournaled.every(Boolean)).toBe(true);
    for (const oid of oids) expect(hasObject(bare, oid)).toBe(true);
  });
});
