import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectStats } from "../../packages/core/src/repo/stats.js";
import { cleanupAll, git, makeRepo, repoOf, writeLooseBlobs } from "../helpers/fixtures.js";

let repo: ReturnType<typeof repoOf>;
let countObjects: Record<string, number>;

function packHashes(): string[] {
  return readdirSync(repo.packDir)
    .filter((n) => n.endsWith(".pack"))
    .map((n) => n.slice("pack-".length, -".pack".length));
}

beforeAll(() => {
  const path = makeRepo({ commits: 3 });
  git(path, ["repack", "-q", "-d"]);
  for (let i = 0; i < 2; i++) {
    writeFileSync(join(path, `more${i}.txt`), `more ${i}\n`);
    git(path, ["add", "-A"]);
    git(path, ["commit", "-q", "-m", `more ${i}`]);
    git(path, ["repack", "-q", "-d"]);
  }
  writeLooseBlobs(path, 1500);
  repo = repoOf(path);
  const [first, second] = packHashes();
  writeFileSync(join(repo.packDir, `pack-${first}.keep`), "");
  writeFileSync(join(repo.packDir, `pack-${second}.mtimes`), "not really");
  writeFileSync(join(repo.packDir, "tmp_pack_leak"), Buffer.alloc(4096));
  writeFileSync(join(repo.packDir, "pack-4444444444444444444444444444444444444444.pack"), "no idx: not counted");
  writeFileSync(join(repo.commonDir, "index.lock"), "");
  writeFileSync(join(repo.objectsDir, "maintenance.lock"), "");
  countObjects = Object.fromEntries(
    git(path, ["count-objects", "-v"])
      .split("\n")
      .map((l) => l.split(": "))
      .map(([k, v]) => [k, Number(v)]),
  );
});

afterAll(cleanupAll);

describe("collectStats", () => {
  it("matches git count-objects -v in exact mode", async () => {
    const stats = await collectStats(repo, { exactLoose: true });
    expect(stats.looseExact).toBe(true);
    expect(stats.looseObjects).toBe(countObjects.count);
    expect(stats.looseObjects).toBeGreaterThanOrEqual(1500);
    expect(stats.packs).toBe(countObjects.packs);
    expect(stats.packs).toBe(3);
    expect(Math.floor(stats.packBytes / 1024)).toBe(countObjects["size-pack"]);
    expect(stats.keptPacks).toBe(1);
    expect(stats.cruftPacks).toBe(1);
  });

  it("estimates loose objects from objects/17 like git gc --auto", async () => {
    const stats = await collectStats(repo);
    const sampled = readdirSync(join(repo.objectsDir, "17")).filter((n) => /^[0-9a-f]{38}$/.test(n)).length;
    expect(stats.looseExact).toBe(false);
    expect(stats.looseObjects).toBe(sampled * 256);
    // 1500+ objects spread over 256 dirs: the estimate is in the right range
    expect(stats.looseObjects).toBeGreaterThan(0);
    expect(stats.looseObjects).toBeLessThan(countObjects.count! * 4);
  });

  it("counts cheap tmp files and known locks", async () => {
    const stats = await collectStats(repo);
    expect(stats.tmpFiles).toBe(3);
    expect(stats.tmpBytes).toBe(4096);
    expect(stats.locks).toEqual(["index.lock", "objects/maintenance.lock"]);
    expect(stats.sizeBytes).toBeGreaterThanOrEqual(stats.packBytes + stats.tmpBytes);
  });

  it("scans every tmp place only in exact mode", async () => {
    writeFileSync(join(repo.objectsDir, readdirSync(repo.objectsDir).find((n) => /^[0-9a-f]{2}$/.test(n))!, "tmp_obj_x"), "x");
    expect((await collectStats(repo)).tmpFiles).toBe(3);
    expect((await collectStats(repo, { exactLoose: true })).tmpFiles).toBe(4);
  });

  it("returns zeros for a vanished repository", async () => {
    const gone = { ...repo, commonDir: "/nonexistent/.git", objectsDir: "/nonexistent/.git/objects", packDir: "/nonexistent/.git/objects/pack" };
    await expect(collectStats(gone)).resolves.toMatchObject({ packs: 0, looseObjects: 0, tmpFiles: 0, locks: [] });
  });
});
