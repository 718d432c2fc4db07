import { describe, expect, it } from "vitest";
import type { TmpEntry, TmpKind } from "@gitmaint/core";
import { defaultReaperOptions } from "./options.js";
import { decide, effectiveMinAge, precheck, type PolicyInput } from "./policy.js";

const NOW = 1_700_000_000_000;
const MIN = 60_000;

function entry(kind: TmpKind, name: string, ageMs: number, extra: Partial<TmpEntry> = {}): TmpEntry {
  const t = NOW - ageMs;
  const dir = kind === "ref-lock" ? "/r/.git/refs/heads" : kind === "lock" || kind === "gc-pid" ? "/r/.git" : "/r/.git/objects/pack";
  return {
    path: `${dir}/${name}`,
    rel: name,
    kind,
    isDirectory: false,
    bytes: 10,
    mtimeMs: t,
    ctimeMs: t,
    newestChangeMs: t,
    isSymlink: false,
    ...extra,
  };
}

function input(over: Partial<PolicyInput> = {}, alive: number[] = []): PolicyInput {
  return {
    now: NOW,
    options: defaultReaperOptions(),
    ourHost: "here",
    ageOnly: undefined,
    minAgeOverrideMs: undefined,
    skipMinAgeWindow: undefined,
    ownerAlive: (pid) => alive.includes(pid),
    ...over,
  };
}

describe("precheck: grace per kind group", () => {
  it.each([
    ["tmp-pack", "tmp_pack_abc", 2 * MIN],
    ["tmp-obj", "tmp_obj_x", 2 * MIN],
    ["lock", "config.lock", 15 * MIN],
    ["gc-pid", "gc.pid", 15 * MIN],
    ["ref-lock", "main.lock", 60 * MIN],
  ] as const)("%s %s waits %d ms", (kind, name, grace) => {
    const extra = kind === "gc-pid" ? { pid: 99, host: "here" } : {};
    const young = precheck(entry(kind, name, grace - 1000, extra), input());
    expect(young.action).toBe("keep");
    expect(young.action === "keep" && young.retryAt).toBe(NOW - (grace - 1000) + grace);
    expect(precheck(entry(kind, name, grace + 1000, extra), input()).action).toBe("check");
  });

  it("--min-age overrides every kind's grace", () => {
    const e = entry("ref-lock", "main.lock", 1000);
    expect(precheck(e, input()).action).toBe("keep");
    expect(precheck(e, input({ minAgeOverrideMs: 0 })).action).toBe("check");
  });

  it("a future mtime (clock skew) is kept", () => {
    expect(precheck(entry("tmp-pack", "tmp_pack_x", -10_000), input({ minAgeOverrideMs: 0 })).action).toBe("keep");
  });

  it("files changed during a failed gitmaint run skip the grace; others do not", () => {
    const w = { from: NOW - 5000, to: NOW, label: "failed git run 1" };
    const inside = entry("tmp-pack", "tmp_pack_a", 2000);
    const before = entry("tmp-pack", "tmp_pack_b", 10_000);
    expect(precheck(inside, input({ skipMinAgeWindow: w }))).toMatchObject({ action: "check" });
    expect(precheck(before, input({ skipMinAgeWindow: w })).action).toBe("keep");
  });
});

describe("precheck: network filesystem (age-only)", () => {
  const ageOnly = "network filesystem (nfs): other hosts' writers are invisible";
  it("raises every grace to networkFsMinAgeMs, even under --min-age 0 and a failed run", () => {
    const e = entry("tmp-pack", "tmp_pack_a", 3 * 60 * MIN);
    const w = { from: NOW - 4 * 60 * MIN, to: NOW, label: "run" };
    const v = precheck(e, input({ ageOnly, minAgeOverrideMs: 0, skipMinAgeWindow: w }));
    expect(v.action).toBe("keep");
    expect(v.action === "keep" && v.reason).toContain("age-only");
    expect(precheck(entry("tmp-pack", "tmp_pack_a", 25 * 60 * MIN), input({ ageOnly })).action).toBe("check");
  });
  it("a lower configured floor is honoured", () => {
    const opts = { ...defaultReaperOptions(), networkFsMinAgeMs: 0 };
    expect(effectiveMinAge(entry("tmp-pack", "tmp_pack_a", 0), input({ ageOnly, options: opts })).ms).toBe(2 * MIN);
  });
});

describe("precheck: owners named by the file", () => {
  it("repack staging: live pid kept, dead pid checked, no pid kept", () => {
    const e = entry("repack-staging", ".tmp-42-pack-abc.pack", 10 * MIN, { pid: 42 });
    expect(precheck(e, input({}, [42]))).toMatchObject({ action: "keep", reason: "repack pid 42 is alive" });
    expect(precheck(e, input()).action).toBe("check");
    const { pid: _p, ...nopid } = e;
    expect(precheck(nopid, input()).action).toBe("keep");
  });

  it("transfer .keep of our host: live pid kept, dead pid checked after the grace", () => {
    const e = entry("transfer-keep", "pack-1234abcd.keep", 10 * MIN, { pid: 7, host: "here" });
    expect(precheck(e, input({}, [7])).action).toBe("keep");
    expect(precheck(e, input()).action).toBe("check");
    expect(precheck({ ...e, newestChangeMs: NOW - 1000 }, input()).action).toBe("keep");
  });

  it("transfer .keep of another host: kept until 7 days, then checked without the foreign pid", () => {
    const e = entry("transfer-keep", "pack-1234abcd.keep", 6 * 24 * 60 * MIN, { pid: 7, host: "elsewhere" });
    const young = precheck(e, input({}, [7]));
    expect(young.action).toBe("keep");
    expect(young.action === "keep" && young.reason).toContain("another host");
    const old = precheck({ ...e, newestChangeMs: NOW - 8 * 24 * 60 * MIN }, input({}, [7]));
    expect(old.action).toBe("check");
    expect(old.action === "check" && old.livenessEntry.pid).toBeUndefined();
  });

  it("gc.pid: live pid kept, unreadable pid kept, dead pid checked", () => {
    const e = entry("gc-pid", "gc.pid", 60 * MIN, { pid: 5, host: "here" });
    expect(precheck(e, input({}, [5])).action).toBe("keep");
    expect(precheck(e, input()).action).toBe("check");
    const { pid: _p, ...nopid } = e;
    expect(precheck(nopid, input()).action).toBe("keep");
  });

  it("gitmaint .keep: alive with the same start time kept; reused pid counts as gone", () => {
    const e = entry("gitmaint-keep", "pack-1234abcd.keep", 10 * MIN, { pid: 9, startTicks: 100 });
    const alive = (pid: number, ticks?: number) => pid === 9 && (ticks === undefined || ticks === 100);
    expect(precheck(e, input({ ownerAlive: alive })).action).toBe("keep");
    const reused = precheck({ ...e, startTicks: 101 }, input({ ownerAlive: alive }));
    expect(reused.action).toBe("check");
    expect(reused.action === "check" && reused.livenessEntry.pid).toBeUndefined();
  });

  it("lock with gitmaint's holder: alive with its start time kept, reused pid checked, other host kept", () => {
    const e = entry("lock", "maintenance.lock", 60 * MIN, { pid: 9, startTicks: 100, host: "here" });
    const alive = (pid: number, ticks?: number) => pid === 9 && (ticks === undefined || ticks === 100);
    const kept = precheck(e, input({ ownerAlive: alive }));
    expect(kept).toEqual({ action: "keep", reason: "gitmaint lock holder pid 9 is alive" });
    expect(precheck({ ...e, startTicks: 101 }, input({ ownerAlive: alive })).action).toBe("check");
    const foreign = precheck({ ...e, host: "there" }, input());
    expect(foreign.action === "keep" && foreign.reason).toMatch(/on another host \(there\)/);
  });
});

describe("precheck: names", () => {
  it("never a pack-*.pack, whatever kind it is labelled", () => {
    for (const kind of ["orphan-idx", "tmp-pack", "transfer-keep"] as const) {
      expect(precheck(entry(kind, "pack-1234.pack", 60 * MIN), input({ minAgeOverrideMs: 0 })).action).toBe("keep");
    }
  });
  it("a name that does not match its kind is kept", () => {
    expect(precheck(entry("lock", "random.lock", 60 * MIN), input()).action).toBe("keep");
    expect(precheck(entry("tmp-pack", "pack-abc.idx", 60 * MIN), input()).action).toBe("keep");
  });
});

describe("decide", () => {
  const check = precheck(entry("tmp-pack", "tmp_pack_a", 10 * MIN), input());
  it("deletes only with a dead verdict, and the reason carries both proofs", () => {
    if (check.action !== "check") throw new Error("expected check");
    expect(decide(check, { dead: false, reason: "held open by pid 3 (git)" })).toEqual({
      action: "keep",
      reason: "held open by pid 3 (git)",
    });
    const d = decide(check, { dead: true, reason: "dead: no holder, no possible writer" });
    expect(d.action).toBe("delete");
    expect(d.action === "delete" && d.reason).toMatch(/no holder.*age 10m/);
  });
});
