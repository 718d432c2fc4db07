import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll, makeRepo, repoOf, tempDir } from "../../../../test/helpers/fixtures.js";
import { AbortError } from "../errors.js";
import { collectStats } from "./stats.js";
import { scanTemporaries } from "./tmp-scan.js";

afterEach(cleanupAll);

const rels = (scan: { entries: { rel: string }[] }): string[] => scan.entries.map((e) => e.rel).sort();

describe("scanTemporaries fan-out dirs", () => {
  it("finds tmp_obj files, a tmp_ dir and a tmp_ symlink among loose objects, and nothing else", async () => {
    const repo = repoOf(makeRepo({ commits: 3 }));
    const fan = join(repo.objectsDir, "3f");
    mkdirSync(fan, { recursive: true });
    for (let i = 0; i < 50; i++) writeFileSync(join(fan, i.toString(16).padStart(38, "0")), "loose");
    writeFileSync(join(fan, "tmp_obj_AbC"), "partial");
    mkdirSync(join(fan, "tmp_obj_dir"));
    symlinkSync(tempDir("outside-"), join(fan, "tmp_obj_link"));
    writeFileSync(join(fan, "not_tmp_obj"), "x");
    const { entries, problems } = await scanTemporaries(repo, { places: ["fanout"] });
    expect(problems).toEqual([]);
    const byRel = Object.fromEntries(entries.map((e) => [e.rel, e]));
    expect(Object.keys(byRel).sort()).toEqual(["objects/3f/tmp_obj_AbC", "objects/3f/tmp_obj_link"]);
    expect(byRel["objects/3f/tmp_obj_AbC"]).toMatchObject({ kind: "tmp-obj", bytes: 7, isSymlink: false, isDirectory: false });
    expect(byRel["objects/3f/tmp_obj_link"]).toMatchObject({ kind: "tmp-obj", isSymlink: true, isDirectory: false });
  });
});

describe("scanTemporaries shareMs", () => {
  it("a sharing caller gets the published scan; a fresh caller and a non-sharing caller read the disk", async () => {
    const repo = repoOf(makeRepo({ commits: 1 }));
    writeFileSync(join(repo.packDir, "tmp_pack_one"), "1");
    const published = await scanTemporaries(repo, { shareMs: 0 });
    expect(rels(published)).toEqual(["objects/pack/tmp_pack_one"]);

    mkdirSync(join(repo.objectsDir, "ab"), { recursive: true });
    writeFileSync(join(repo.objectsDir, "ab/tmp_obj_two"), "2");
    // within shareMs: the published result (the new file is not seen), as an independent copy
    const shared = await scanTemporaries(repo, { shareMs: 10_000 });
    expect(rels(shared)).toEqual(["objects/pack/tmp_pack_one"]);
    expect(shared.entries).not.toBe(published.entries);
    // without shareMs, or with 0, the disk is read again
    expect(rels(await scanTemporaries(repo))).toEqual(["objects/ab/tmp_obj_two", "objects/pack/tmp_pack_one"]);
    expect(rels(await scanTemporaries(repo, { shareMs: 0 }))).toEqual(["objects/ab/tmp_obj_two", "objects/pack/tmp_pack_one"]);
  });

  it("is keyed by repository, places and since", async () => {
    const a = repoOf(makeRepo({ commits: 1 }));
    const b = repoOf(makeRepo({ commits: 1 }));
    writeFileSync(join(a.packDir, "tmp_pack_a"), "a");
    writeFileSync(join(b.packDir, "tmp_pack_b"), "b");
    await scanTemporaries(a, { shareMs: 0, places: ["pack"] });
    expect(rels(await scanTemporaries(b, { shareMs: 10_000, places: ["pack"] }))).toEqual(["objects/pack/tmp_pack_b"]);
    writeFileSync(join(a.commonDir, "index.lock"), "");
    // other places: not the pack-only scan
    expect(rels(await scanTemporaries(a, { shareMs: 10_000 }))).toEqual(["index.lock", "objects/pack/tmp_pack_a"]);
    expect(rels(await scanTemporaries(a, { shareMs: 10_000, places: ["pack"], since: Date.now() + 60_000 }))).toEqual([]);
  });

  it("an expired published scan is not reused", async () => {
    const repo = repoOf(makeRepo({ commits: 1 }));
    await scanTemporaries(repo, { shareMs: 0 });
    writeFileSync(join(repo.packDir, "tmp_pack_late"), "x");
    await new Promise((r) => setTimeout(r, 30));
    expect(rels(await scanTemporaries(repo, { shareMs: 1 }))).toEqual(["objects/pack/tmp_pack_late"]);
  });

  it("a caller whose publisher was aborted scans for itself; an aborted caller throws", async () => {
    const repo = repoOf(makeRepo({ commits: 1 }));
    writeFileSync(join(repo.packDir, "tmp_pack_x"), "x");
    const ac = new AbortController();
    const publisher = scanTemporaries(repo, { shareMs: 0, signal: ac.signal });
    ac.abort();
    const sharer = scanTemporaries(repo, { shareMs: 10_000 });
    await expect(publisher).rejects.toBeInstanceOf(AbortError);
    expect(rels(await sharer)).toEqual(["objects/pack/tmp_pack_x"]);
    await expect(scanTemporaries(repo, { shareMs: 10_000, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
  });
});

describe("collectStats temporaries", () => {
  it("uses the given scan instead of scanning (tmp files, bytes and locks of every place)", async () => {
    const repo = repoOf(makeRepo({ commits: 1 }));
    writeFileSync(join(repo.objectsDir, "maintenance.lock"), "");
    mkdirSync(join(repo.commonDir, "refs/heads/x"), { recursive: true });
    writeFileSync(join(repo.commonDir, "refs/heads/x/y.lock"), "1234");
    mkdirSync(join(repo.objectsDir, "ab"), { recursive: true });
    writeFileSync(join(repo.objectsDir, "ab/tmp_obj_q"), "12345");
    const temporaries = await scanTemporaries(repo);
    const stats = await collectStats(repo, { temporaries });
    expect(stats).toMatchObject({ tmpFiles: 3, tmpBytes: 9, locks: ["objects/maintenance.lock", "refs/heads/x/y.lock"] });
    // the cheap default only looks at objects/pack, the git dir top and objects/maintenance.lock
    expect(await collectStats(repo)).toMatchObject({ tmpFiles: 1, tmpBytes: 0, locks: ["objects/maintenance.lock"] });
    // a given (e.g. empty) scan is trusted: nothing is read again
    expect(await collectStats(repo, { temporaries: { entries: [], problems: [] } })).toMatchObject({ tmpFiles: 0, locks: [] });
  });
});
