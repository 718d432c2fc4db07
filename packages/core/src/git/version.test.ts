import { describe, expect, it } from "vitest";
import { parseGitVersion, versionAtLeast } from "./version.js";

describe("parseGitVersion", () => {
  it.each([
    ["git version 2.39.5", "2.39.5"],
    ["git version 2.39.5\n", "2.39.5"],
    ["git version 2.39.5.windows.1", "2.39.5"],
    ["git version 2.40.0.rc1", "2.40.0"],
    ["git version 2.45.GIT", "2.45.0"],
    ["git version 2.37.1 (Apple Git-137.1)", "2.37.1"],
    ["2.32.0", "2.32.0"],
  ])("%j -> %s", (text, expected) => {
    expect(parseGitVersion(text)?.text).toBe(expected);
  });

  it("returns undefined for text without a version", () => {
    expect(parseGitVersion("git: command not found")).toBeUndefined();
    expect(parseGitVersion("")).toBeUndefined();
  });

  it("keeps the numbers", () => {
    expect(parseGitVersion("git version 2.40.0.rc1")).toEqual({ major: 2, minor: 40, patch: 0, text: "2.40.0" });
  });
});

describe("versionAtLeast", () => {
  const v = { major: 2, minor: 39, patch: 5, text: "2.39.5" };
  it("compares major, minor and patch in order", () => {
    expect(versionAtLeast(v, 2, 39, 5)).toBe(true);
    expect(versionAtLeast(v, 2, 39)).toBe(true);
    expect(versionAtLeast(v, 2, 32, 9)).toBe(true);
    expect(versionAtLeast(v, 1, 99, 99)).toBe(true);
    expect(versionAtLeast(v, 2, 39, 6)).toBe(false);
    expect(versionAtLeast(v, 2, 40)).toBe(false);
    expect(versionAtLeast(v, 3, 0)).toBe(false);
  });
});
