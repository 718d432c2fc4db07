import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { addPathspecs, splitBySize, splitNul } from "./untracked.js";

const dir = mkdtempSync(join(tmpdir(), "untracked-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("untracked files", () => {
  it("splits by size; vanished paths are dropped; nested repos are left to git", async () => {
    writeFileSync(join(dir, "small"), "x");
    writeFileSync(join(dir, "big"), Buffer.alloc(2000));
    mkdirSync(join(dir, "sub"));
    const split = await splitBySize(dir, splitNul("small\0big\0gone\0sub/\0"), 1000);
    expect(split.small).toEqual(["small", "sub/"]);
    expect(split.large).toEqual([{ path: "big", bytes: 2000 }]);
  });

  it("excludes large files with literal, top-anchored pathspecs", () => {
    expect(addPathspecs([{ path: "a*b/v.mp4" }])).toBe(".\0:(exclude,literal,top)a*b/v.mp4\0");
    expect(addPathspecs([])).toBe(".\0");
  });
});
