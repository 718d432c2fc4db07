import { describe, expect, it } from "vitest";
import { parseSnapshotRefs, planRecord, refNameFor, updateRefInput, SNAPSHOT_REF_PREFIX } from "./retention.js";

const T = (n: number) => n.toString(16).padStart(40, "0");
const ref = (at: number, tree: string) => ({ ref: `${SNAPSHOT_REF_PREFIX}${String(at).padStart(15, "0")}`, tree, at });

describe("retention", () => {
  it("parses for-each-ref output newest first and ignores foreign refs", () => {
    const out = [`${ref(5, T(1)).ref}\0${T(1)}`, `${ref(9, T(2)).ref}-1\0${T(2)}`, `refs/heads/main\0${T(3)}`, `${SNAPSHOT_REF_PREFIX}junk\0${T(4)}`].join("\n");
    expect(parseSnapshotRefs(out).map((r) => r.at)).toEqual([9, 5]);
  });

  it("names never collide", () => {
    const existing = [ref(7, T(1))];
    expect(refNameFor(7, existing)).toBe(`${existing[0]!.ref}-1`);
    expect(refNameFor(8, existing)).toBe(`${SNAPSHOT_REF_PREFIX}000000000000008`);
  });

  it("keeps keepCount newest, drops the ones past the age, replaces a newest ref with the same tree", () => {
    const current = [ref(100, T(3)), ref(90, T(2)), ref(10, T(1))];
    const byCount = planRecord(current, T(4), 110, { keepCount: 2, keepMaxAgeMs: 1e9 });
    expect(byCount.after.map((r) => r.tree)).toEqual([T(4), T(3)]);
    expect(byCount.delete.map((r) => r.tree).sort()).toEqual([T(1), T(2)]);
    const byAge = planRecord(current, T(4), 110, { keepCount: 10, keepMaxAgeMs: 50 });
    expect(byAge.after.map((r) => r.tree)).toEqual([T(4), T(3), T(2)]);
    const same = planRecord(current, T(3), 120, { keepCount: 10, keepMaxAgeMs: 1e9 });
    expect(same.after.map((r) => [r.tree, r.at])).toEqual([[T(3), 120], [T(2), 90], [T(1), 10]]);
    expect(same.delete).toEqual([current[0]]);
    const zero = planRecord(current, T(5), 200, { keepCount: 0, keepMaxAgeMs: 0 });
    expect(zero.after.map((r) => r.tree)).toEqual([T(5)]);
  });

  it("writes one update-ref transaction", () => {
    const plan = planRecord([ref(1, T(1))], T(2), 5, { keepCount: 1, keepMaxAgeMs: 1e9 });
    expect(updateRefInput(plan)).toBe(`start\ncreate ${plan.create!.ref} ${T(2)}\ndelete ${ref(1, T(1)).ref}\nprepare\ncommit\n`);
  });
});
