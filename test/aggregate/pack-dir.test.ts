/**
 * The pack-directory readers the aggregator decides with, on real packs written by git:
 * - `idxMembership` answers exactly as `git show-index` lists (SHA-1 and SHA-256 repositories);
 * - the watch marks packs that arrived `.keep` first (a real push: index-pack --keep) and never a
 *   repack's output, and such a pack is an input as soon as its `.keep` is gone, while any other
 *   new pack still waits for the settle time (rule c).
 */
import { appendFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PackDirWatch } from "../../packages/plugins/src/aggregate-during-repack/dir-watch.js";
import { idxMembership, idxObjectIds, listPackDir } from "../../packages/plugins/src/aggregate-during-repack/pack-dir.js";
import { whyNotInput, type SelectInput } from "../../packages/plugins/src/aggregate-during-repack/protect.js";
import { packOf, packOids } from "../helpers/aggregate-cycle.js";
import { cleanupAll, git, makeRepo, tempDir, waitFor, writeLooseBlobs } from "../helpers/fixtures.js";

afterEach(cleanupAll);

/** Ids that are not in `ids`: each with its last hex digit changed, plus all-zero and all-f ids. */
function misses(ids: readonly string[]): string[] {
  const have = new Set(ids);
  const len = ids[0]?.length ?? 40;
  const out = ["0".repeat(len), "f".repeat(len)];
  for (const id of ids) out.push(id.slice(0, -1) + (id.endsWith("0") ? "1" : "0"));
  return out.filter((id) => !have.has(id));
}

describe("idxMembership", () => {
  for (const format of ["sha1", "sha256"] as const) {
    it(`agrees with git show-index on a real ${format} pack`, async () => {
      const repo = tempDir("idx-");
      git(repo, ["init", "-q", "--bare", `--object-format=${format}`]);
      const ids = writeLooseBlobs(repo, 300);
      const hash = packOf(repo, ids);
      const idx = join(repo, "objects/pack", `pack-${hash}.idx`);
      const listed = packOids(repo, hash);
      expect(new Set(await idxObjectIds(idx))).toEqual(new Set(listed));
      const has = await idxMembership(idx);
      expect(listed.filter((id) => !has(id))).toEqual([]);
      expect(misses(listed).filter((id) => has(id))).toEqual([]);
      expect(has("abc")).toBe(false); // not an id of this length
    });
  }
});

describe("keep-first packs (rule c)", () => {
  it("a pushed pack arrives .keep first and is an input once its .keep is gone; a repack's output is not keep-first", async () => {
    const bare = makeRepo({ bare: true, commits: 2 });
    git(bare, ["config", "receive.unpackLimit", "1"]);
    const work = join(tempDir("clone-"), "w");
    git(tempDir(), ["clone", "-q", bare, work]);
    const packDir = join(bare, "objects/pack");
    const watch = new PackDirWatch(packDir);
    try {
      git(work, ["commit", "-q", "--allow-empty", "-m", "pushed"]);
      git(work, ["push", "-q", "origin", "HEAD"]);
      const pushed = await waitFor(async () => {
        const l = await listPackDir(packDir);
        return [...l.packs.values()].find((p) => watch.keepFirst.has(p.hash) && p.complete && !p.exts.has("keep"));
      });
      // a pack written in place without a .keep (as a repack's output would be)
      const plain = packOf(bare, writeLooseBlobs(bare, 3, "plain"));
      await waitFor(() => watch.firstSeen.has(plain));
      expect(watch.keepFirst.has(plain)).toBe(false);

      const listing = await listPackDir(packDir);
      const input = (minPackAgeMs: number): SelectInput => ({ listing, protectedSet: undefined, watch, ours: new Set(), now: Date.now(), minPackAgeMs, maxInputPackObjects: 1000 });
      expect(whyNotInput(pushed, input(60_000))).toBeUndefined();
      const plainInfo = listing.packs.get(plain);
      expect(plainInfo).toBeDefined();
      expect(whyNotInput(plainInfo!, input(60_000))).toBe("not settled yet");
      expect(whyNotInput(plainInfo!, input(0))).toBeUndefined();

      // git repack's output is renamed from .tmp-<pid>-pack-<hash>: seen as staging, never keep-first
      git(bare, ["repack", "-a", "-d", "-q"]);
      const after = await listPackDir(packDir);
      const [out] = [...after.packs.keys()];
      expect(after.packs.size).toBe(1);
      await waitFor(() => watch.stagingSeen.has(out!));
      expect(watch.keepFirst.has(out!)).toBe(false);
    } finally {
      watch.close();
    }
  });

  it("a pack that existed before the watch is not keep-first when its .keep is deleted; writes into tmp files are not pack renames", async () => {
    const bare = makeRepo({ bare: true, commits: 1 });
    const packDir = join(bare, "objects/pack");
    const old = packOf(bare, writeLooseBlobs(bare, 2, "old"));
    writeFileSync(join(packDir, `pack-${old}.keep`), "a user's keep\n");
    const watch = new PackDirWatch(packDir);
    try {
      const tmp = join(packDir, "tmp_pack_test");
      writeFileSync(tmp, "x");
      await waitFor(() => watch.events > 0);
      const renames = watch.packRenames;
      for (let i = 0; i < 20; i++) appendFileSync(tmp, "more");
      unlinkSync(join(packDir, `pack-${old}.keep`));
      await waitFor(() => watch.firstSeen.has(old));
      expect(watch.keepFirst.has(old)).toBe(false);
      expect(watch.packRenames).toBe(renames + 1); // the .keep going; the tmp_pack writes are not counted
    } finally {
      watch.close();
    }
  });
});
