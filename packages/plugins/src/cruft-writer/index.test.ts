import { describe, expect, it } from "vitest";
import type { RepoStats } from "@gitmaint/core";
import { parsePruned } from "./execute.js";
import { statsCrossThreshold } from "./index.js";
import { defaultOptions } from "./options.js";

const stats = (extra: Partial<RepoStats>): RepoStats => ({
  packs: 1,
  packBytes: 0,
  cruftPacks: 0,
  keptPacks: 0,
  looseObjects: 0,
  looseExact: false,
  tmpFiles: 0,
  tmpBytes: 0,
  locks: [],
  sizeBytes: 0,
  ...extra,
});

describe("statsCrossThreshold (daemon trigger after repo.stats)", () => {
  const o = defaultOptions();
  it.each([
    ["tidy: one pack and a cruft pack", stats({ packs: 2, cruftPacks: 1 }), false],
    ["loose objects over the limit", stats({ looseObjects: 1025 }), true],
    ["three non-cruft packs", stats({ packs: 3 }), true],
    ["kept and cruft packs do not count", stats({ packs: 4, cruftPacks: 1, keptPacks: 1 }), false],
  ])("%s -> %s", (_name, s, expected) => {
    expect(statsCrossThreshold(s, o)).toBe(expected);
  });
});

describe("parsePruned (git prune -v)", () => {
  it("reads '<oid> <type>' lines and ignores anything else", () => {
    const a = "b79dffaccd157fd1f41997e00896abe5cda10ed4";
    const b = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"; // sha256
    expect(parsePruned(`${a} blob\n${b} tree\nRemoving duplicate objects: 100%\n\n`)).toEqual([
      { oid: a, type: "blob" },
      { oid: b, type: "tree" },
    ]);
    expect(parsePruned("")).toEqual([]);
  });
});
