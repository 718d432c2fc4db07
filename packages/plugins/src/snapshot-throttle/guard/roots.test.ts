import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expandGlob, expandHome, watchedDirs } from "./roots.js";

const root = mkdtempSync(join(tmpdir(), "roots-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function gitDir(p: string): void {
  mkdirSync(join(p, "objects"), { recursive: true });
  mkdirSync(join(p, "refs"), { recursive: true });
  writeFileSync(join(p, "HEAD"), "ref: refs/heads/main\n");
}

describe("roots", () => {
  it("expands ~ and wildcards within a segment", () => {
    expect(expandHome("~/x")).toBe(join(homedir(), "x"));
    gitDir(join(root, "snap", "a1"));
    gitDir(join(root, "snap", "b2"));
    mkdirSync(join(root, "snap", "plain"));
    mkdirSync(join(root, "snap", ".hidden"));
    expect(expandGlob(join(root, "snap", "*")).sort()).toEqual(["a1", "b2", "plain"].map((n) => join(root, "snap", n)));
    expect(expandGlob(join(root, "snap", "?1"))).toEqual([join(root, "snap", "a1")]);
    expect(expandGlob(join(root, "nope", "*"))).toEqual([]);
  });

  it("watches only directories that look like git dirs", () => {
    expect(watchedDirs([join(root, "snap", "*"), join(root, "snap", "a1")])).toEqual([join(root, "snap", "a1"), join(root, "snap", "b2")]);
  });
});
