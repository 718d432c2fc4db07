import { describe, expect, it } from "vitest";
import { classifyTmpPath, formatGitmaintKeep, parseGcPid, parseKeepContent, stagingPid, type TmpFacts } from "./tmp-classify.js";
import { TMP_KIND_INFO } from "./tmpfiles.js";
import type { TmpKind } from "./tmpfiles-types.js";
import type { Repository } from "./types.js";

const G = "/r/.git";
const repo: Repository = {
  id: G,
  gitDir: G,
  commonDir: G,
  objectsDir: `${G}/objects`,
  packDir: `${G}/objects/pack`,
  workTree: "/r",
  bare: false,
  name: "r",
};
const H = "0123456789abcdef0123456789abcdef01234567";

type Row = [path: string, expected: TmpKind | undefined, isDirectory?: boolean, facts?: TmpFacts];

const rows: Row[] = [
  // tmp-pack
  ["objects/pack/tmp_pack_AbC123", "tmp-pack"],
  ["objects/pack/tmp_idx_AbC123", "tmp-pack"],
  ["objects/pack/tmp_rev_AbC123", "tmp-pack"],
  ["objects/pack/tmp_mtimes_AbC123", "tmp-pack"],
  ["objects/pack/tmp_bitmap_AbC123", "tmp-pack"],
  // tmp-obj
  ["objects/ab/tmp_obj_XyZ", "tmp-obj"],
  ["objects/00/tmp_obj_q", "tmp-obj", false],
  // tmp-other
  ["objects/info/commit-graphs/tmp_graph_QwErTy", "tmp-other"],
  ["objects/info/packs_Ab12Cd", "tmp-other"],
  ["objects/bitmap-ref-tips_nda6C1", "tmp-other"],
  ["objects/tmp_obj_toplevel", "tmp-other"],
  ["objects/pack/tmp_something_else", "tmp-other"],
  ["objects/ab/tmp_weird", "tmp-other"],
  // quarantine
  ["objects/tmp_objdir-incoming-Ab12Cd", "quarantine", true],
  ["objects/tmp_objdir-bulk-fsync-Ab12Cd", "quarantine"],
  ["objects/incoming-Ab12Cd", "quarantine", true],
  // repack-staging
  [`objects/pack/.tmp-4242-pack-${H}.pack`, "repack-staging"],
  [`objects/pack/.tmp-4242-pack-${H}.idx`, "repack-staging"],
  // packed-refs-new, locks, ref-locks, gc.pid
  ["packed-refs.new", "packed-refs-new"],
  ["packed-refs.lock", "ref-lock"],
  ["refs/heads/x.lock", "ref-lock"],
  ["refs/remotes/origin/fix/b.lock", "ref-lock"],
  ["config.lock", "lock"],
  ["HEAD.lock", "lock"],
  ["index.lock", "lock"],
  ["shallow.lock", "lock"],
  ["worktrees/wt1/index.lock", "lock"],
  ["worktrees/wt1/HEAD.lock", "lock"],
  ["objects/info/commit-graphs/commit-graph-chain.lock", "lock"],
  ["objects/pack/multi-pack-index.lock", "lock"],
  ["objects/maintenance.lock", "lock"],
  ["gc.pid", "gc-pid"],
  // keeps by content
  [`objects/pack/pack-${H}.keep`, "transfer-keep", false, { keepContent: "receive-pack 1234 on host-a\n" }],
  [`objects/pack/pack-${H}.keep`, "transfer-keep", false, { keepContent: "fetch-pack 77 on example.org\n" }],
  [`objects/pack/pack-${H}.keep`, "gitmaint-keep", false, { keepContent: "gitmaint-aggregate pid=99 start=123456\n" }],
  // orphan idx
  [`objects/pack/pack-${H}.idx`, "orphan-idx", false, { packExists: false }],

  // negatives: never classified
  [`objects/pack/pack-${H}.pack`, undefined],
  ["objects/pack/pack-x.pack", undefined],
  [`objects/pack/pack-${H}.idx`, undefined, false, { packExists: true }],
  [`objects/pack/pack-${H}.idx`, undefined], // existence of the pack unknown: not an orphan
  [`objects/pack/pack-${H}.keep`, undefined], // content unknown
  [`objects/pack/pack-${H}.keep`, undefined, false, { keepContent: "" }],
  [`objects/pack/pack-${H}.keep`, undefined, false, { keepContent: "do not repack: the release pack\n" }],
  [`objects/pack/pack-${H}.keep`, undefined, false, { keepContent: "receive-pack abc on host\n" }],
  ["objects/foo.lock", undefined],
  ["objects/pack/foo.lock", undefined],
  ["objects/pack/multi-pack-index", undefined],
  ["foo.lock", undefined],
  ["ORIG_HEAD.lock", undefined],
  ["refs/heads/main", undefined],
  ["refs/.lock", undefined],
  ["worktrees/wt1/config.lock", undefined],
  ["worktrees/wt1/sub/index.lock", undefined],
  ["info/refs_Ab12Cd", undefined],
  ["packed-refs", undefined],
  ["objects/ab/cdef0123456789abcdef0123456789abcdef01", undefined],
  ["objects/incoming-Ab12Cd", undefined, false], // a file, not a quarantine dir
  ["objects/pack/tmp_pack_dir", undefined, true], // directories are never file kinds
  ["objects/info/alternates", undefined],
  ["objects/info/commit-graphs/graph-abc.graph", undefined],
  ["objects/pack/.tmp-abc-pack-x.pack", undefined],
  ["config", undefined],
  ["index.lock.bak", undefined],
];

describe("classifyTmpPath", () => {
  it.each(rows)("%s -> %s", (rel, expected, isDirectory, facts) => {
    expect(classifyTmpPath(repo, `${G}/${rel}`, isDirectory, facts)).toBe(expected);
  });

  it("never classifies anything outside the repository", () => {
    expect(classifyTmpPath(repo, "/elsewhere/objects/pack/tmp_pack_x")).toBeUndefined();
    expect(classifyTmpPath(repo, "/r/.git-other/index.lock")).toBeUndefined();
    expect(classifyTmpPath(repo, G)).toBeUndefined();
    expect(classifyTmpPath(repo, "/r/index.lock")).toBeUndefined(); // the work tree is not the git dir
  });

  it("normalizes the path before deciding", () => {
    expect(classifyTmpPath(repo, `${G}/objects/pack/../pack/tmp_pack_x`)).toBe("tmp-pack");
    expect(classifyTmpPath(repo, `${G}/objects/pack/../../index.lock`)).toBe("lock");
    expect(classifyTmpPath(repo, `${G}/objects/../../elsewhere/index.lock`)).toBeUndefined();
  });

  it("uses the objects dir of GIT_OBJECT_DIRECTORY repositories", () => {
    const alt: Repository = { ...repo, objectsDir: "/store/objs", packDir: "/store/objs/pack" };
    expect(classifyTmpPath(alt, "/store/objs/pack/tmp_pack_1")).toBe("tmp-pack");
    expect(classifyTmpPath(alt, "/store/objs/maintenance.lock")).toBe("lock");
    expect(classifyTmpPath(alt, `${G}/index.lock`)).toBe("lock");
  });
});

describe("owner parsing", () => {
  it("parses transfer and gitmaint keeps, nothing else", () => {
    expect(parseKeepContent("receive-pack 1234 on host-a\n")).toEqual({ kind: "transfer-keep", pid: 1234, host: "host-a" });
    expect(parseKeepContent(formatGitmaintKeep(42, 987))).toEqual({ kind: "gitmaint-keep", pid: 42, startTicks: 987 });
    expect(parseKeepContent("")).toBeUndefined();
    expect(parseKeepContent("keep this pack\nreceive-pack 1 on h")).toBeUndefined();
  });

  it("parses gc.pid and staging names", () => {
    expect(parseGcPid("31337 build-host")).toEqual({ pid: 31337, host: "build-host" });
    expect(parseGcPid("garbage")).toBeUndefined();
    expect(stagingPid(`.tmp-4242-pack-${H}.pack`)).toBe(4242);
    expect(stagingPid("tmp_pack_x")).toBeUndefined();
  });

  it("describes every kind", () => {
    const kinds = new Set(rows.map((r) => r[1]).filter((k): k is TmpKind => k !== undefined));
    expect(Object.keys(TMP_KIND_INFO).sort()).toEqual([...kinds].sort());
    for (const line of Object.values(TMP_KIND_INFO)) expect(line).not.toContain("\n");
  });
});
