import { describe, expect, it } from "vitest";
import { isGitProcess, parseGitArgv } from "./git-argv.js";

describe("git process detection", () => {
  it.each([
    [["git", "status"], "git", true],
    [["/usr/lib/git-core/git", "pack-objects"], "git", true],
    [["/usr/lib/git-core/git-upload-pack", "/srv/r.git"], "git-upload-pack", true],
    [[], "git-receive-pac", true],
    [["node", "x.js"], "node", false],
    [["/usr/bin/gitk"], "gitk", false],
    [["gitmaint", "run"], "gitmaint", false],
  ])("%j (comm %s) -> %s", (argv, comm, expected) => {
    expect(isGitProcess(argv, comm)).toBe(expected);
  });
});

describe("parseGitArgv", () => {
  it.each([
    [["git", "-C", "x", "-c", "a=b", "repack", "-a"], "repack", { chdirs: ["x"] }],
    [["/usr/lib/git-core/git-upload-pack", "--strict", "/srv/r.git"], "upload-pack", { repoArgs: ["/srv/r.git"] }],
    [["git", "--git-dir=/x", "gc"], "gc", { gitDir: "/x" }],
    [["git", "--git-dir", "/y", "--work-tree=/w", "--no-pager", "--bare", "fetch", "origin"], "fetch", { gitDir: "/y", workTree: "/w" }],
    [["git", "-C", "/a", "-C", "b", "--namespace", "ns", "maintenance", "run"], "maintenance", { chdirs: ["/a", "b"] }],
    [["git", "pack-objects", "--all"], "pack-objects", {}],
    [["git", "index-pack", "--stdin"], "index-pack", {}],
    [["git", "receive-pack", "r.git"], "receive-pack", { repoArgs: ["r.git"] }],
    [["git", "fetch-pack", "u"], "fetch", {}],
    [["git", "prune", "--expire=now"], "prune", {}],
    [["git", "commit-graph", "write"], "commit-graph", {}],
    [["git", "multi-pack-index", "write"], "multi-pack-index", {}],
    [["git", "add", "-A"], "add", {}],
    [["git", "cat-file", "--batch"], "other", {}],
    [["git", "--version"], "other", {}],
    [["git", "clone", "--bare", "https://h/r.git", "dst"], "other", { repoArgs: ["dst"] }],
  ] as const)("%j -> %s", (argv, role, fields) => {
    const inv = parseGitArgv(argv);
    expect(inv.role).toBe(role);
    expect(inv).toMatchObject(fields);
  });

  it("uses comm when argv is unreadable", () => {
    expect(parseGitArgv([], "git-upload-pack").role).toBe("upload-pack");
    expect(parseGitArgv([], "git").role).toBe("other");
  });
});
