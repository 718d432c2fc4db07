import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Repository } from "../repo/types.js";
import { parseGitArgv } from "./git-argv.js";
import { discover, matchGitProcess, parseEnviron, repoDirsOf } from "./git-match.js";
import type { ProcInfo } from "./types.js";

const root = realpathSync(mkdtempSync(join(tmpdir(), "git-match-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A fake repository layout: work tree with .git dir, a linked worktree, another repo, a symlink.
const work = join(root, "work");
const gitDir = join(work, ".git");
for (const d of ["objects/pack", "refs", "worktrees/wt"]) mkdirSync(join(gitDir, d), { recursive: true });
writeFileSync(join(gitDir, "HEAD"), "ref: refs/heads/main\n");
writeFileSync(join(gitDir, "worktrees/wt/commondir"), "../..\n");
const linked = join(root, "linked");
mkdirSync(join(linked, "sub"), { recursive: true });
writeFileSync(join(linked, ".git"), `gitdir: ${join(gitDir, "worktrees/wt")}\n`);
const other = join(root, "other");
mkdirSync(join(other, ".git/objects"), { recursive: true });
mkdirSync(join(other, "src"), { recursive: true });
symlinkSync(work, join(root, "alias"));

const repo: Repository = {
  id: gitDir,
  gitDir,
  commonDir: gitDir,
  objectsDir: join(gitDir, "objects"),
  packDir: join(gitDir, "objects/pack"),
  workTree: work,
  bare: false,
  name: "work",
};
const dirs = repoDirsOf(repo);

function match(argv: string[], cwd: string | undefined, env: Record<string, string> | undefined, parentCwd?: string) {
  const proc: ProcInfo = { pid: 1, ppid: 0, startTime: 0, startTicks: 0, comm: "git", argv, cwd, inspectable: true, state: "S" };
  return matchGitProcess(proc, parseGitArgv(argv), env ? new Map(Object.entries(env)) : undefined, parentCwd, dirs);
}

describe("matchGitProcess", () => {
  it("is certain for a cwd in the work tree, git dir or objects dir", () => {
    expect(match(["git", "status"], work, {})).toBe("certain");
    expect(match(["git", "pack-objects"], gitDir, {})).toBe("certain");
    expect(match(["git", "index-pack"], join(gitDir, "objects/pack"), {})).toBe("certain");
  });

  it("is certain in a linked worktree (discovery through its gitdir file and commondir)", () => {
    expect(discover(join(linked, "sub"))).toEqual([join(gitDir, "worktrees/wt"), gitDir]);
    expect(match(["git", "add", "."], join(linked, "sub"), {})).toBe("certain");
  });

  it("is certain through --git-dir, -C (relative to the parent's cwd), GIT_DIR and a symlinked path", () => {
    expect(match(["git", `--git-dir=${gitDir}`, "gc"], other, {})).toBe("certain");
    expect(match(["git", "-C", "work", "repack"], undefined, {}, root)).toBe("certain");
    expect(match(["git", "fetch"], "/", { GIT_DIR: gitDir })).toBe("certain");
    expect(match(["git", "fetch"], "/", { GIT_OBJECT_DIRECTORY: join(root, "alias/.git/objects") })).toBe("certain");
    expect(match(["git-upload-pack", "alias"], root, {})).toBe("certain");
  });

  it("excludes a process certainly working elsewhere", () => {
    expect(match(["git", "repack", "-a"], join(other, "src"), { HOME: "/root" })).toBe("other");
    expect(match(["git", "ls-remote", "x"], "/", {})).toBe("other");
  });

  it("is possible when cwd or environment cannot be read", () => {
    expect(match(["git", "repack"], undefined, {})).toBe("possible");
    expect(match(["git", "repack"], join(other, "src"), undefined)).toBe("possible");
  });
});

describe("parseEnviron", () => {
  it("splits NUL-separated KEY=value pairs (values may contain '=')", () => {
    expect(parseEnviron("A=1\0B=x=y\0\0C=\0")).toEqual(new Map([["A", "1"], ["B", "x=y"], ["C", ""]]));
  });
});
