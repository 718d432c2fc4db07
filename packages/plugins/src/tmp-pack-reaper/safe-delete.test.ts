import { afterEach, describe, expect, it } from "vitest";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Repository, TmpEntry, TmpKind } from "@gitmaint/core";
import { safeDelete, type RecordFn } from "./safe-delete.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fakeRepo(): Repository {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "reaper-sd-")));
  dirs.push(root);
  const commonDir = join(root, ".git");
  const objectsDir = join(commonDir, "objects");
  mkdirSync(join(objectsDir, "pack"), { recursive: true });
  return { id: commonDir, gitDir: commonDir, commonDir, objectsDir, packDir: join(objectsDir, "pack"), workTree: root, bare: false, name: "r" };
}

function entryFor(repo: Repository, path: string, kind: TmpKind): TmpEntry {
  const st = lstatSync(path);
  const newest = Math.max(st.mtimeMs, st.ctimeMs);
  return {
    path,
    rel: relative(repo.commonDir, path),
    kind,
    isDirectory: st.isDirectory(),
    bytes: st.isDirectory() ? 0 : st.size,
    mtimeMs: st.mtimeMs,
    ctimeMs: st.ctimeMs,
    newestChangeMs: newest,
    isSymlink: st.isSymbolicLink(),
  };
}

function journal(onRecord?: (e: Parameters<RecordFn>[0]) => void): { record: RecordFn; lines: Parameters<RecordFn>[0][] } {
  const lines: Parameters<RecordFn>[0][] = [];
  return {
    lines,
    record: async (e) => {
      lines.push(e);
      onRecord?.(e);
    },
  };
}

describe("safeDelete", () => {
  it("journals first, then unlinks", async () => {
    const repo = fakeRepo();
    const p = join(repo.packDir, "tmp_pack_abc");
    writeFileSync(p, "x".repeat(100));
    let existedAtRecord = false;
    const j = journal(() => (existedAtRecord = existsSync(p)));
    expect(await safeDelete(repo, entryFor(repo, p, "tmp-pack"), "dead", j.record)).toEqual({ status: "deleted", bytes: 100 });
    expect(existedAtRecord).toBe(true);
    expect(existsSync(p)).toBe(false);
    expect(j.lines).toEqual([{ repo: repo.id, op: "delete", path: "objects/pack/tmp_pack_abc", bytes: 100, reason: "dead", details: { kind: "tmp-pack" } }]);
  });

  it("a symlink is unlinked as a link; its target outside is untouched", async () => {
    const repo = fakeRepo();
    const outside = join(repo.workTree!, "precious");
    writeFileSync(outside, "keep me");
    const p = join(repo.packDir, "tmp_pack_x");
    symlinkSync(outside, p);
    const out = await safeDelete(repo, entryFor(repo, p, "tmp-pack"), "dead", journal().record);
    expect(out.status).toBe("deleted");
    expect(existsSync(outside)).toBe(true);
    expect(() => lstatSync(p)).toThrow();
  });

  it("a directory is removed only while lstat shows a real directory", async () => {
    const repo = fakeRepo();
    const outside = join(repo.workTree!, "outside-dir");
    mkdirSync(outside);
    writeFileSync(join(outside, "f"), "keep");
    const q = join(repo.objectsDir, "tmp_objdir-incoming-1");
    mkdirSync(join(q, "ab"), { recursive: true });
    writeFileSync(join(q, "ab", "obj"), "x");
    symlinkSync(outside, join(q, "link-out"));
    const e = entryFor(repo, q, "quarantine");
    expect((await safeDelete(repo, e, "dead", journal().record)).status).toBe("deleted");
    expect(existsSync(q)).toBe(false);
    expect(existsSync(join(outside, "f"))).toBe(true);

    // A quarantine path that became a symlink to a directory is not rm -r'd through the link.
    mkdirSync(q);
    const e2 = entryFor(repo, q, "quarantine");
    rmSync(q, { recursive: true });
    symlinkSync(outside, q);
    expect(await safeDelete(repo, e2, "dead", journal().record)).toMatchObject({ status: "kept", reason: "became a symlink" });
    expect(existsSync(join(outside, "f"))).toBe(true);
  });

  it("cancels (and notes it) when the file changes between the journal and the unlink", async () => {
    const repo = fakeRepo();
    const p = join(repo.packDir, "tmp_pack_live");
    writeFileSync(p, "a");
    utimesSync(p, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const j = journal((e) => {
      if (e.op === "delete") writeFileSync(p, "more data");
    });
    const out = await safeDelete(repo, entryFor(repo, p, "tmp-pack"), "dead", j.record);
    expect(out).toMatchObject({ status: "kept" });
    expect(existsSync(p)).toBe(true);
    expect(j.lines.map((l) => l.op)).toEqual(["delete", "note"]);
  });

  it("keeps a file that changed since it was checked (no journal line)", async () => {
    const repo = fakeRepo();
    const p = join(repo.packDir, "tmp_pack_moved");
    writeFileSync(p, "a");
    const e = { ...entryFor(repo, p, "tmp-pack"), newestChangeMs: Date.now() - 3_600_000 };
    const j = journal();
    expect(await safeDelete(repo, e, "dead", j.record)).toMatchObject({ status: "kept", reason: "changed since it was checked" });
    expect(j.lines).toEqual([]);
  });

  it("ENOENT is success, before or after the journal", async () => {
    const repo = fakeRepo();
    const p = join(repo.packDir, "tmp_idx_gone");
    writeFileSync(p, "a");
    const e = entryFor(repo, p, "tmp-pack");
    const j = journal(() => rmSync(p));
    expect(await safeDelete(repo, e, "dead", j.record)).toEqual({ status: "gone" });
    expect(await safeDelete(repo, e, "dead", j.record)).toEqual({ status: "gone" });
  });

  it("refuses paths outside the git dir, through a symlinked parent, or with unknown names", async () => {
    const repo = fakeRepo();
    const outsideDir = join(repo.workTree!, "elsewhere");
    mkdirSync(outsideDir);
    const outsideFile = join(outsideDir, "tmp_pack_a");
    writeFileSync(outsideFile, "x");
    const j = journal();
    expect((await safeDelete(repo, entryFor(repo, outsideFile, "tmp-pack"), "dead", j.record)).status).toBe("kept");

    const linkedDir = join(repo.objectsDir, "ab");
    symlinkSync(outsideDir, linkedDir);
    const viaLink = join(linkedDir, "tmp_pack_a");
    expect((await safeDelete(repo, { ...entryFor(repo, outsideFile, "tmp-obj"), path: viaLink }, "dead", j.record)).status).toBe("kept");

    const pack = join(repo.packDir, "pack-0123abcd.pack");
    writeFileSync(pack, "PACK");
    expect((await safeDelete(repo, entryFor(repo, pack, "orphan-idx"), "dead", j.record)).status).toBe("kept");
    expect(existsSync(outsideFile) && existsSync(pack)).toBe(true);
    expect(j.lines).toEqual([]);
  });
});
