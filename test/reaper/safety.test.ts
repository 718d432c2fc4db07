/**
 * Safety edges: symlinks are never followed (a symlink named tmp_pack_x pointing outside the repo
 * is removed as a link at most; its target is untouched), unreadable directories are reported
 * without a crash, `--dry-run` deletes and journals nothing, and `status` says why files are kept.
 */
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupAll, makeRepo, tempDir } from "../helpers/fixtures.js";
import { holdOpen, startReaper, stopRigs } from "../helpers/reaper.js";

const HOUR_AGO = new Date(Date.now() - 3_600_000);

afterEach(async () => {
  await stopRigs();
  await cleanupAll();
});

describe("tmp-pack-reaper safety", () => {
  it("a symlink named tmp_pack_x pointing outside the repo: the target is untouched", async () => {
    const outside = tempDir("outside-");
    const target = join(outside, "precious.pack");
    writeFileSync(target, "precious bytes");
    utimesSync(target, HOUR_AGO, HOUR_AGO);
    const outsideDir = join(outside, "dir");
    mkdirSync(outsideDir);
    writeFileSync(join(outsideDir, "inner"), "also precious");
    const r = await startReaper(makeRepo({ bare: true }));
    const link = join(r.repo.packDir, "tmp_pack_x");
    symlinkSync(target, link);
    const dirLink = join(r.repo.objectsDir, "tmp_objdir-incoming-evil");
    symlinkSync(outsideDir, dirLink);
    const data = await r.reap({ minAgeMs: 0 });
    expect(readFileSync(target, "utf8")).toBe("precious bytes");
    expect(readFileSync(join(outsideDir, "inner"), "utf8")).toBe("also precious");
    // Each symlink is unlinked as a link — never followed.
    expect(data.deleted.map((d) => d.path).sort()).toEqual(["objects/pack/tmp_pack_x", "objects/tmp_objdir-incoming-evil"]);
    for (const p of [link, dirLink]) expect(() => lstatSync(p)).toThrow();
    expect(lstatSync(outsideDir).isDirectory()).toBe(true);
    const journal = await r.journal();
    for (const e of journal) expect(e.path?.startsWith("objects/")).toBe(true);
  });

  it("a directory it cannot read (symlink loop, any user): reported, no crash, the rest reaped", async () => {
    const r = await startReaper(makeRepo({ bare: true }));
    const fan = [...Array(256).keys()].map((i) => i.toString(16).padStart(2, "0")).find((d) => !existsSync(join(r.repo.objectsDir, d)))!;
    symlinkSync(join(r.repo.objectsDir, fan), join(r.repo.objectsDir, fan)); // ELOOP on readdir
    const dead = join(r.repo.packDir, "tmp_pack_dead");
    writeFileSync(dead, "x");
    const data = await r.reap({ minAgeMs: 0 });
    expect(data.problems.some((p) => p.path.includes(`objects/${fan}`))).toBe(true);
    expect(data.deleted.map((d) => d.path)).toContain("objects/pack/tmp_pack_dead");
  });

  it("--dry-run deletes nothing and journals nothing, but reports what it would reap", async () => {
    const r = await startReaper(makeRepo({ bare: true }));
    const files = ["tmp_pack_a", "tmp_idx_b", "tmp_rev_c"].map((n) => join(r.repo.packDir, n));
    for (const f of files) writeFileSync(f, "x".repeat(100));
    mkdirSync(join(r.repo.objectsDir, "tmp_objdir-incoming-1", "ab"), { recursive: true });
    writeFileSync(join(r.repo.commonDir, "index.lock"), "");
    const data = await r.reap({ minAgeMs: 0 }, true);
    expect(data.dryRun).toBe(true);
    expect(data.deleted.map((d) => d.path).sort()).toEqual(
      ["index.lock", "objects/pack/tmp_idx_b", "objects/pack/tmp_pack_a", "objects/pack/tmp_rev_c", "objects/tmp_objdir-incoming-1"].sort(),
    );
    expect(data.bytesFreed).toBe(0);
    for (const f of files) expect(existsSync(f)).toBe(true);
    expect(existsSync(join(r.repo.objectsDir, "tmp_objdir-incoming-1"))).toBe(true);
    expect(await r.journal()).toEqual([]);
    expect(r.actions.filter((a) => a.kind === "reaped")).toEqual([]);
  });

  it("status shows every temporary and why it is kept", async () => {
    const r = await startReaper(makeRepo({ bare: true }));
    const held = join(r.repo.packDir, "tmp_pack_held");
    writeFileSync(held, "x");
    const holder = await holdOpen(held);
    writeFileSync(join(r.repo.packDir, "tmp_idx_young"), "x");
    const status = await r.engine.status(r.repo.id);
    const s = status.plugins["tmp-pack-reaper"];
    expect(s?.summary).toMatch(/^2 temporaries, 2 kept, 0 reapable now/);
    const kept = (s?.data?.["kept"] ?? []) as { path: string; reason: string }[];
    expect(kept).toEqual(
      expect.arrayContaining([
        { path: "objects/pack/tmp_pack_held", reason: expect.stringMatching(/younger than 2m/) as unknown as string },
        { path: "objects/pack/tmp_idx_young", reason: expect.stringMatching(/younger than 2m/) as unknown as string },
      ]),
    );
    utimesSync(held, HOUR_AGO, HOUR_AGO);
    const data = await r.reap({ minAgeMs: 0 });
    expect(data.kept).toContainEqual({ path: "objects/pack/tmp_pack_held", reason: `held open by pid ${holder.pid} (sleep)` });
  });
});
