import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError } from "../../packages/core/src/errors.js";
import { scanTemporaries } from "../../packages/core/src/repo/tmpfiles.js";
import type { TmpEntry } from "../../packages/core/src/repo/tmpfiles-types.js";
import { cleanupAll, git, makeRepo, repoOf, tempDir } from "../helpers/fixtures.js";

const H1 = "1111111111111111111111111111111111111111";
const H2 = "2222222222222222222222222222222222222222";
const H3 = "3333333333333333333333333333333333333333";
const isRoot = process.getuid?.() === 0;

let repo: ReturnType<typeof repoOf>;
let outsideFile: string;
let entries: TmpEntry[];
let problems: { path: string; error: string }[];

function byRel(rel: string): TmpEntry | undefined {
  return entries.find((e) => e.rel === rel);
}

function newestUnder(dir: string): { bytes: number; newest: number } {
  const own = lstatSync(dir);
  let newest = Math.max(own.mtimeMs, own.ctimeMs);
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    newest = Math.max(newest, st.mtimeMs, st.ctimeMs);
    if (st.isDirectory()) {
      const sub = newestUnder(p);
      newest = Math.max(newest, sub.newest);
      bytes += sub.bytes;
    } else bytes += st.size;
  }
  return { bytes, newest };
}

beforeAll(async () => {
  const path = makeRepo({ commits: 2 });
  git(path, ["repack", "-q", "-d"]);
  git(path, ["worktree", "add", "-q", join(tempDir("wt-"), "wt1"), "-b", "side"]);
  repo = repoOf(path);
  const g = repo.commonDir;
  const o = repo.objectsDir;
  const outside = tempDir("outside-");
  outsideFile = join(outside, "precious");
  writeFileSync(outsideFile, "do not touch\n");

  writeFileSync(join(o, "pack/tmp_pack_AbC123"), Buffer.alloc(5000));
  writeFileSync(join(o, "pack/tmp_idx_AbC123"), "idx");
  writeFileSync(join(o, `pack/.tmp-4242-pack-${H1}.pack`), "staging");
  writeFileSync(join(o, `pack/pack-${H1}.keep`), "receive-pack 4321 on host-a\n");
  writeFileSync(join(o, `pack/pack-${H1}.pack`), "p");
  writeFileSync(join(o, `pack/pack-${H1}.idx`), "i");
  writeFileSync(join(o, `pack/pack-${H2}.keep`), "my own keep\n");
  writeFileSync(join(o, `pack/pack-${H2}.pack`), "p");
  writeFileSync(join(o, `pack/pack-${H2}.idx`), "i");
  writeFileSync(join(o, `pack/pack-${H3}.idx`), "orphan");
  writeFileSync(join(o, `pack/pack-${H3}.keep`), "gitmaint-aggregate pid=77 start=99887766\n");
  symlinkSync(outsideFile, join(o, "pack/tmp_pack_evil"));
  mkdirSync(join(o, "ab"), { recursive: true });
  writeFileSync(join(o, "ab/tmp_obj_QwE"), "obj");
  writeFileSync(join(o, "bitmap-ref-tips_nda6C1"), "tips");
  writeFileSync(join(o, "maintenance.lock"), "");
  writeFileSync(join(o, "foo.lock"), "not ours");
  mkdirSync(join(o, "info/commit-graphs"), { recursive: true });
  writeFileSync(join(o, "info/commit-graphs/tmp_graph_x"), "g");
  writeFileSync(join(o, "info/commit-graphs/commit-graph-chain.lock"), "");
  writeFileSync(join(o, "info/packs_Zz99"), "P pack-x.pack\n");
  // a quarantine dir with an old file and a nested newer one
  const q = join(o, "tmp_objdir-incoming-Xy12");
  mkdirSync(join(q, "pack"), { recursive: true });
  writeFileSync(join(q, "old"), Buffer.alloc(100));
  utimesSync(join(q, "old"), new Date(2001, 1, 1), new Date(2001, 1, 1));
  writeFileSync(join(q, "pack/tmp_pack_q"), Buffer.alloc(300));
  symlinkSync("/", join(q, "root-link")); // never followed when measuring
  writeFileSync(join(g, "index.lock"), "");
  writeFileSync(join(g, "packed-refs.new"), "");
  writeFileSync(join(g, "gc.pid"), "31337 build-host");
  mkdirSync(join(g, "refs/heads/feature"), { recursive: true });
  writeFileSync(join(g, "refs/heads/feature/x.lock"), "");
  writeFileSync(join(g, "worktrees/wt1/index.lock"), "");
  writeFileSync(join(g, "worktrees/wt1/config.lock"), "");

  ({ entries, problems } = await scanTemporaries(repo));
});

afterAll(cleanupAll);

describe("scanTemporaries", () => {
  it("finds every kind where git puts it, with paths relative to the git dir", () => {
    const got = Object.fromEntries(entries.map((e) => [e.rel, e.kind]));
    expect(got).toEqual({
      "objects/pack/tmp_pack_AbC123": "tmp-pack",
      "objects/pack/tmp_idx_AbC123": "tmp-pack",
      "objects/pack/tmp_pack_evil": "tmp-pack",
      [`objects/pack/.tmp-4242-pack-${H1}.pack`]: "repack-staging",
      [`objects/pack/pack-${H1}.keep`]: "transfer-keep",
      [`objects/pack/pack-${H3}.keep`]: "gitmaint-keep",
      [`objects/pack/pack-${H3}.idx`]: "orphan-idx",
      "objects/ab/tmp_obj_QwE": "tmp-obj",
      "objects/bitmap-ref-tips_nda6C1": "tmp-other",
      "objects/maintenance.lock": "lock",
      "objects/info/packs_Zz99": "tmp-other",
      "objects/info/commit-graphs/tmp_graph_x": "tmp-other",
      "objects/info/commit-graphs/commit-graph-chain.lock": "lock",
      "objects/tmp_objdir-incoming-Xy12": "quarantine",
      "index.lock": "lock",
      "packed-refs.new": "packed-refs-new",
      "gc.pid": "gc-pid",
      "refs/heads/feature/x.lock": "ref-lock",
      "worktrees/wt1/index.lock": "lock",
    });
    expect(problems).toEqual([]);
  });

  it("reads owners from names and contents", () => {
    expect(byRel(`objects/pack/.tmp-4242-pack-${H1}.pack`)?.pid).toBe(4242);
    expect(byRel(`objects/pack/pack-${H1}.keep`)).toMatchObject({ pid: 4321, host: "host-a" });
    expect(byRel(`objects/pack/pack-${H3}.keep`)).toMatchObject({ pid: 77, startTicks: 99887766 });
    expect(byRel("gc.pid")).toMatchObject({ pid: 31337, host: "build-host" });
    expect(byRel("objects/pack/tmp_pack_AbC123")).toMatchObject({ bytes: 5000, isSymlink: false, isDirectory: false });
  });

  it("reports a symlink as a symlink and never follows it", () => {
    const evil = byRel("objects/pack/tmp_pack_evil");
    expect(evil).toMatchObject({ isSymlink: true, isDirectory: false, bytes: outsideFile.length });
    expect(readFileSync(outsideFile, "utf8")).toBe("do not touch\n");
  });

  it("measures a quarantine dir by its newest entry, without following links", () => {
    const q = byRel("objects/tmp_objdir-incoming-Xy12");
    const expected = newestUnder(join(repo.objectsDir, "tmp_objdir-incoming-Xy12"));
    expect(q).toMatchObject({ isDirectory: true, isSymlink: false, newestChangeMs: expected.newest, bytes: expected.bytes });
    expect(q?.bytes).toBe(100 + 300 + 1); // the link to "/" counts as its own 1-byte target string
    expect(q!.newestChangeMs).toBeGreaterThan(new Date(2001, 1, 2).getTime());
  });

  it("filters by since", async () => {
    const future = await scanTemporaries(repo, { since: Date.now() + 60_000 });
    expect(future.entries).toEqual([]);
    const all = await scanTemporaries(repo, { since: 0 });
    expect(all.entries.length).toBe(entries.length);
  });

  it("can be aborted", async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(scanTemporaries(repo, { signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
  });

  it("restricts itself to the places it is given", async () => {
    const { entries: packOnly } = await scanTemporaries(repo, { places: ["pack"] });
    expect(packOnly.every((e) => e.rel.startsWith("objects/pack/"))).toBe(true);
    expect(packOnly.length).toBe(7);
  });

  it("reports an unreadable fan-out dir as a problem instead of throwing", async () => {
    const dir = join(repo.objectsDir, "cd");
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o000);
    try {
      // root reads through chmod 000: as root, run the scan as `nobody` in a child process.
      const scan = isRoot ? scanAsNobody() : await scanTemporaries(repo);
      expect(scan.problems).toEqual([expect.objectContaining({ path: dir, error: expect.stringContaining("EACCES") })]);
      expect(scan.entries.map((e) => e.rel).sort()).toEqual(entries.map((e) => e.rel).sort());
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it("survives a missing repository (nothing found, nothing thrown)", async () => {
    const gone = { ...repo, commonDir: "/nonexistent/.git", objectsDir: "/nonexistent/.git/objects", packDir: "/nonexistent/.git/objects/pack" };
    await expect(scanTemporaries(gone)).resolves.toEqual({ entries: [], problems: [] });
  });
});

/** Runs scanTemporaries (built dist) as uid/gid 65534, for the EACCES case when tests run as root. */
function scanAsNobody(): { entries: TmpEntry[]; problems: { path: string; error: string }[] } {
  const workTree = repo.workTree ?? repo.commonDir;
  chmodSync(workTree, 0o755); // mkdtemp made it 0700
  const dist = pathToFileURL(join(import.meta.dirname, "../../packages/core/dist/repo/tmpfiles.js")).href;
  const script = `import(${JSON.stringify(dist)}).then(async (m) => process.stdout.write(JSON.stringify(await m.scanTemporaries(${JSON.stringify(repo)}))))`;
  const out = execFileSync(process.execPath, ["-e", script], { uid: 65534, gid: 65534, encoding: "utf8" });
  return JSON.parse(out) as { entries: TmpEntry[]; problems: { path: string; error: string }[] };
}

