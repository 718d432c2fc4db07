import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll, makeRepo, repoOf, tempDir } from "../../../../test/helpers/fixtures.js";
import type { JournalApi, JournalEntry } from "../journal/types.js";
import { ProcessTable } from "../process/table.js";
import type { TmpEntry, TmpKind } from "../repo/tmpfiles-types.js";
import type { Repository } from "../repo/types.js";
import { LeftoverCleaner, type FailedRun } from "./leftovers.js";

afterEach(cleanupAll);

/** An in-memory journal (the real one is tested in journal/); `fail` makes appends throw. */
function memoryJournal(fail = false): JournalApi & { entries: JournalEntry[] } {
  const entries: JournalEntry[] = [];
  return {
    entries,
    async append(e) {
      if (fail) throw new Error("disk full");
      entries.push({ ...e, at: e.at ?? Date.now() });
    },
    async read() {
      return entries;
    },
    pathFor: () => "/dev/null",
  };
}

/** A TmpEntry as the scanner would report it, from lstat (the scanner is replaced to stage races). */
function entryFor(repo: Repository, path: string, kind: TmpKind, over: Partial<TmpEntry> = {}): TmpEntry {
  const st = lstatSync(path);
  return {
    path,
    rel: relative(repo.commonDir, path),
    kind,
    isDirectory: st.isDirectory(),
    bytes: st.size,
    mtimeMs: st.mtimeMs,
    ctimeMs: st.ctimeMs,
    newestChangeMs: Math.max(st.mtimeMs, st.ctimeMs),
    isSymlink: st.isSymbolicLink(),
    ...over,
  };
}

function failedRun(repo: Repository, startedAt = Date.now() - 1000): FailedRun {
  return { repo, owner: "test", subcommand: "repack", pid: 999_999, startedAt, how: "timed out", pids: [999_999] };
}

describe("LeftoverCleaner", () => {
  it("never follows or removes symlinks, and never touches files outside the repository", async () => {
    const repo = repoOf(makeRepo());
    const outside = tempDir("outside-");
    const target = join(outside, "precious");
    writeFileSync(target, "keep me");
    // 1. a symlink named like a tmp pack
    const link = join(repo.packDir, "tmp_pack_link");
    symlinkSync(target, link);
    // 2. a fan-out dir that is a symlink to the outside, with a tmp_obj in it
    const fanout = ["17", "18", "19", "1a", "1b"].find((d) => !existsSync(join(repo.objectsDir, d))) as string;
    symlinkSync(outside, join(repo.objectsDir, fanout));
    const escaped = join(outside, "tmp_obj_escaped");
    writeFileSync(escaped, "outside");
    // 3. a file that became a symlink after the scan
    const swapped = join(repo.packDir, "tmp_pack_swapped");
    symlinkSync(target, swapped);
    // 4. a quarantine dir holding a symlink to the outside dir
    const quarantine = join(repo.objectsDir, "tmp_objdir-incoming-x");
    mkdirSync(quarantine);
    writeFileSync(join(quarantine, "obj"), "data");
    symlinkSync(outside, join(quarantine, "escape"));

    const entries = [
      entryFor(repo, link, "tmp-pack"),
      entryFor(repo, join(repo.objectsDir, fanout, "tmp_obj_escaped"), "tmp-obj", { isSymlink: false }),
      { ...entryFor(repo, target, "tmp-pack"), path: swapped, rel: "objects/pack/tmp_pack_swapped", isSymlink: false },
      entryFor(repo, quarantine, "quarantine", { newestChangeMs: Date.now() }),
    ];
    const journal = memoryJournal();
    const cleaner = new LeftoverCleaner({ processes: new ProcessTable(), journal, scan: async () => ({ entries, problems: [] }) });
    const out = await cleaner.clean(failedRun(repo));

    expect(out.cleaned).toEqual(["objects/tmp_objdir-incoming-x"]);
    expect(Object.fromEntries(out.kept.map((k) => [k.path, k.reason]))).toEqual({
      "objects/pack/tmp_pack_link": "symlink (never followed or removed here)",
      [`objects/${fanout}/tmp_obj_escaped`]: "outside the repository",
      "objects/pack/tmp_pack_swapped": "became a symlink",
    });
    expect(readFileSync(target, "utf8")).toBe("keep me");
    expect(readFileSync(escaped, "utf8")).toBe("outside");
    expect(existsSync(link) && existsSync(swapped)).toBe(true);
    expect(existsSync(quarantine)).toBe(false);
    expect(journal.entries.map((e) => [e.op, e.path, e.plugin, e.reason])).toEqual([
      ["delete", "objects/tmp_objdir-incoming-x", "test", "left by failed git repack (pid 999999, timed out)"],
    ]);
  });

  it("only considers run-made kinds changed since the run started (minus the slack)", async () => {
    const repo = repoOf(makeRepo());
    const fresh = join(repo.packDir, "tmp_pack_fresh");
    const old = join(repo.packDir, "tmp_pack_old");
    const idx = join(repo.packDir, `pack-${"a".repeat(40)}.idx`);
    for (const p of [fresh, old, idx]) writeFileSync(p, "x");
    const start = Date.now();
    const entries = [
      entryFor(repo, fresh, "tmp-pack"),
      entryFor(repo, old, "tmp-pack", { newestChangeMs: start - 2500 }),
      entryFor(repo, idx, "orphan-idx"),
    ];
    const journal = memoryJournal();
    const cleaner = new LeftoverCleaner({ processes: new ProcessTable(), journal, scan: async () => entries });
    const out = await cleaner.clean(failedRun(repo, start));
    expect(out).toEqual({ cleaned: ["objects/pack/tmp_pack_fresh"], kept: [] });
    expect(existsSync(old) && existsSync(idx)).toBe(true);
  });

  it("keeps a lock that gitmaint's Locks holds (its JSON holder line), removes git's own dead lock", async () => {
    const repo = repoOf(makeRepo());
    const ours = join(repo.objectsDir, "maintenance.lock");
    const holder = { pid: process.pid, startTicks: 1, host: hostname(), owner: "cruft-writer", acquiredAt: Date.now() };
    writeFileSync(ours, JSON.stringify(holder) + "\n");
    const gits = join(repo.gitDir, "index.lock");
    writeFileSync(gits, "");
    const journal = memoryJournal();
    const cleaner = new LeftoverCleaner({
      processes: new ProcessTable(),
      journal,
      scan: async () => [entryFor(repo, ours, "lock"), entryFor(repo, gits, "lock")],
    });
    const out = await cleaner.clean(failedRun(repo));
    expect(out.cleaned).toEqual(["index.lock"]);
    expect(out.kept).toEqual([{ path: "objects/maintenance.lock", reason: expect.stringContaining(`gitmaint pid ${process.pid}`) as string }]);
    expect(existsSync(ours)).toBe(true);
    expect(existsSync(gits)).toBe(false);
  });

  it("deletes nothing it could not journal first", async () => {
    const repo = repoOf(makeRepo());
    const file = join(repo.packDir, "tmp_pack_unjournaled");
    writeFileSync(file, "x");
    const cleaner = new LeftoverCleaner({
      processes: new ProcessTable(),
      journal: memoryJournal(true),
      scan: async () => [entryFor(repo, file, "tmp-pack")],
    });
    const out = await cleaner.clean(failedRun(repo));
    expect(out.cleaned).toEqual([]);
    expect(out.kept).toEqual([{ path: "objects/pack/tmp_pack_unjournaled", reason: "not journaled, so not deleted: Error: disk full" }]);
    expect(existsSync(file)).toBe(true);
  });
});
