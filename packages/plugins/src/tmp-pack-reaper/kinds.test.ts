import { describe, expect, it } from "vitest";
import type { TmpKind } from "@gitmaint/core";
import { ageGroupOf, nameAllowed } from "./kinds.js";
import { defaultReaperOptions } from "./options.js";

const ok = (kind: TmpKind, path: string) => nameAllowed({ kind, path });

describe("nameAllowed", () => {
  it("accepts git's temporary names for their kinds", () => {
    expect(ok("tmp-pack", "/g/objects/pack/tmp_pack_Ab12")).toBe(true);
    expect(ok("tmp-pack", "/g/objects/pack/tmp_idx_x")).toBe(true);
    expect(ok("tmp-pack", "/g/objects/pack/tmp_bitmap_x")).toBe(true);
    expect(ok("tmp-obj", "/g/objects/ab/tmp_obj_x")).toBe(true);
    expect(ok("tmp-other", "/g/objects/info/commit-graphs/tmp_graph_x")).toBe(true);
    expect(ok("quarantine", "/g/objects/tmp_objdir-incoming-x")).toBe(true);
    expect(ok("quarantine", "/g/objects/incoming-x")).toBe(true);
    expect(ok("repack-staging", "/g/objects/pack/.tmp-123-pack-abc.idx")).toBe(true);
    expect(ok("packed-refs-new", "/g/packed-refs.new")).toBe(true);
    expect(ok("lock", "/g/objects/maintenance.lock")).toBe(true);
    expect(ok("ref-lock", "/g/refs/heads/topic/x.lock")).toBe(true);
    expect(ok("ref-lock", "/g/packed-refs.lock")).toBe(true);
    expect(ok("gc-pid", "/g/gc.pid")).toBe(true);
    expect(ok("transfer-keep", "/g/objects/pack/pack-0123abcd.keep")).toBe(true);
    expect(ok("orphan-idx", "/g/objects/pack/pack-0123abcd.idx")).toBe(true);
  });

  it("rejects packs, arbitrary locks and mismatched kinds", () => {
    expect(ok("orphan-idx", "/g/objects/pack/pack-0123abcd.pack")).toBe(false);
    expect(ok("tmp-pack", "/g/objects/pack/pack-0123abcd.pack")).toBe(false);
    expect(ok("lock", "/g/objects/pack/other.lock")).toBe(false);
    expect(ok("ref-lock", "/g/logs/HEAD.lock")).toBe(false);
    expect(ok("tmp-obj", "/g/objects/ab/0123")).toBe(false);
    expect(ok("repack-staging", "/g/objects/pack/.tmp-x-pack-abc")).toBe(false);
    expect(ok("gc-pid", "/g/gc.log")).toBe(false);
  });
});

describe("grace groups", () => {
  it("map kinds to the documented defaults", () => {
    const o = defaultReaperOptions();
    expect(o.minAgeMs[ageGroupOf("tmp-pack")]).toBe(120_000);
    expect(o.minAgeMs[ageGroupOf("lock")]).toBe(900_000);
    expect(o.minAgeMs[ageGroupOf("ref-lock")]).toBe(3_600_000);
  });
});
