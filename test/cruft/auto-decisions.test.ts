/**
 * `gitmaint repack --auto` decisions, table-driven over real fixture repositories (few packs, many
 * packs, many loose objects, recent/old full repack), each then run for real: the chosen repack
 * reaches a steady state (the next --auto decides "none"), nothing is lost, fsck is clean.
 */
import { afterEach, describe, expect, it } from "vitest";
import { StateStore } from "@gitmaint/core";
import { cleanupAll, writeLooseBlobs } from "../helpers/fixtures.js";
import { allObjects, fsckClean, generateRepo, listPacks, looseObjects, startCruft, stopCruftRigs } from "../helpers/cruft.js";

const DAY = 86_400_000;

afterEach(async () => {
  await stopCruftRigs();
  await cleanupAll();
});

/** A bare repository with `packs` packs (one fast-import each) and `loose` unreachable loose blobs. */
function fixture(packs: number, loose = 0): string {
  const path = generateRepo({ commits: 5, filesPerCommit: 3, bare: true });
  for (let i = 1; i < packs; i++) generateRepo({ commits: 2, filesPerCommit: 3, into: path, seed: i + 10 });
  if (loose > 0) writeLooseBlobs(path, loose, "loose");
  return path;
}

type Action = "none" | "pack-loose" | "geometric" | "full";
const table: { name: string; packs: number; loose?: number; lastFullAgoMs?: number; action: Action; reason: RegExp }[] = [
  { name: "few packs: a single pack", packs: 1, action: "none", reason: /1 non-cruft pack\(s\), 1 outside the multi-pack-index \(limit 2\)/ },
  { name: "few packs, never fully repacked", packs: 2, action: "full", reason: /2 non-cruft packs and last full repack never done/ },
  { name: "few packs, full repack 6 days ago", packs: 2, lastFullAgoMs: 6 * DAY, action: "full", reason: /last full repack 6d ago > cooldown 5d/ },
  { name: "recent full repack", packs: 2, lastFullAgoMs: DAY, action: "none", reason: /last full repack 1d ago \(cooldown 5d\)/ },
  { name: "many packs, recent full repack", packs: 12, lastFullAgoMs: DAY, action: "geometric", reason: /12 packs outside the multi-pack-index > 2/ },
  { name: "many loose objects", packs: 1, loose: 1500, lastFullAgoMs: DAY, action: "pack-loose", reason: /^\d+ loose objects > 1024/ },
];

describe("cruft-writer --auto decisions over fixture repositories", () => {
  it.each(table)("$name -> $action", async ({ packs, loose, lastFullAgoMs, action, reason }) => {
    const path = fixture(packs, loose);
    expect(listPacks(path, `${path}/objects/pack`)).toHaveLength(packs);
    const rig = await startCruft(path, { looseSampleDirs: 256 });
    if (lastFullAgoMs !== undefined) {
      await new StateStore({ dir: rig.stateDir, plugin: "cruft-writer" }).set(rig.repo.id, "lastFullRepackAt", Date.now() - lastFullAgoMs);
    }
    const everything = allObjects(path);

    const dry = await rig.repack("auto", true);
    expect(dry.data.decision.action).toBe(action);
    expect(dry.data.decision.reasons.join("; ")).toMatch(reason);
    expect(dry.summary).toMatch(new RegExp(`would run ${action}`));

    const { data } = await rig.repack("auto");
    expect(data.decision.action).toBe(action);
    expect(data.steps.every((s) => s.ok)).toBe(true);
    if (action === "none") expect(data.steps).toEqual([]);
    if (action === "pack-loose") {
      expect(data.after.looseObjects).toBe(0);
      expect(looseObjects(rig.repo.objectsDir)).toEqual([]);
      expect(data.after.packs).toBe(data.before.packs + 1);
    }
    if (action === "geometric") {
      expect(data.after.packs).toBeLessThan(data.before.packs);
      expect(data.steps[0]?.argv).toEqual(expect.arrayContaining(["--geometric=2", "--write-midx"]));
    }
    if (action === "full") {
      const after = listPacks(path, rig.repo.packDir);
      expect(after.filter((p) => !p.cruft)).toHaveLength(1);
    }
    expect(allObjects(path)).toEqual(everything);
    fsckClean(path);

    // steady state: the next --auto finds nothing to do
    const next = await rig.repack("auto", true);
    expect(next.data.decision.action).toBe("none");
  });
});
