import { mkdirSync, mkdtempSync, writeFileSync, existsSync, symlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { insideWorkTree, parseRawDiff, planRestore, removePaths } from "./restore.js";

const Z = "0".repeat(40);
const A = "a".repeat(40);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("restore planning", () => {
  it("parses raw diff-tree -z output", () => {
    const out = `:000000 100644 ${Z} ${A} A\0new file\0:160000 000000 ${A} ${Z} D\0sub\0:100644 120000 ${A} ${A} T\0link\0`;
    expect(parseRawDiff(out)).toEqual([
      { oldMode: "000000", newMode: "100644", status: "A", path: "new file" },
      { oldMode: "160000", newMode: "000000", status: "D", path: "sub" },
      { oldMode: "100644", newMode: "120000", status: "T", path: "link" },
    ]);
  });

  it("never removes or writes a gitlink; a type change removes first", () => {
    const plan = planRestore(parseRawDiff(`:000000 100644 ${Z} ${A} A\0n\0:160000 000000 ${A} ${Z} D\0sub\0:100644 120000 ${A} ${A} T\0l\0:100644 000000 ${A} ${Z} D\0gone\0:000000 160000 ${Z} ${A} A\0sub2\0`));
    expect(plan).toEqual({ write: ["n", "l"], remove: ["l", "gone"] });
  });

  it("removes files only inside the work tree, never follows symlinks, prunes empty dirs", async () => {
    const wt = mkdtempSync(join(tmpdir(), "restore-"));
    const outside = mkdtempSync(join(tmpdir(), "outside-"));
    dirs.push(wt, outside);
    mkdirSync(join(wt, "a", "b"), { recursive: true });
    writeFileSync(join(wt, "a", "b", "f"), "f");
    writeFileSync(join(outside, "keep"), "k");
    symlinkSync(outside, join(wt, "link"));
    expect(insideWorkTree(wt, "../x")).toBe(false);
    const removed = await removePaths(wt, ["a/b/f", "../" + outside.split("/").pop() + "/keep", "link"]);
    expect(removed).toEqual(["a/b/f", "link"]);
    expect(existsSync(join(wt, "a"))).toBe(false);
    expect(existsSync(join(outside, "keep"))).toBe(true);
  });
});
