import { describe, expect, it } from "vitest";
import { buildInvocation, subcommandOf } from "./invocation.js";
import type { Repository } from "../repo/types.js";

const repo: Repository = {
  id: "/r/.git",
  gitDir: "/r/.git/worktrees/w",
  commonDir: "/r/.git",
  objectsDir: "/r/.git/objects",
  packDir: "/r/.git/objects/pack",
  workTree: "/w",
  bare: false,
  name: "w",
};

describe("buildInvocation", () => {
  it("puts --git-dir and -c pairs before the subcommand and runs in the work tree", () => {
    const inv = buildInvocation(["repack", "-d"], { repo, config: { "pack.threads": "1", "core.x": "a=b" } });
    expect(inv.fullArgs).toEqual(["--git-dir=/r/.git/worktrees/w", "-c", "pack.threads=1", "-c", "core.x=a=b", "repack", "-d"]);
    expect(inv.cwd).toBe("/w");
  });

  it("uses the git dir for bare repositories and lets cwd override", () => {
    expect(buildInvocation(["gc"], { repo: { ...repo, workTree: null, bare: true } }).cwd).toBe("/r/.git/worktrees/w");
    expect(buildInvocation(["gc"], { repo, cwd: "/elsewhere" }).cwd).toBe("/elsewhere");
    expect(buildInvocation(["version"], {}).cwd).toBe(process.cwd());
  });

  it("inherits the environment, forces C locale and no prompts, and deletes undefined variables", () => {
    process.env.GITMAINT_TEST_INHERIT = "yes";
    process.env.GITMAINT_TEST_DELETE = "no";
    try {
      const { env } = buildInvocation(["status"], { env: { GITMAINT_TEST_DELETE: undefined, EXTRA: "1", LC_ALL: "de_DE.UTF-8", GIT_TERMINAL_PROMPT: "1" } });
      expect(env.GITMAINT_TEST_INHERIT).toBe("yes");
      expect("GITMAINT_TEST_DELETE" in env).toBe(false);
      expect(env.EXTRA).toBe("1");
      expect(env.LC_ALL).toBe("C");
      expect(env.GIT_TERMINAL_PROMPT).toBe("0");
    } finally {
      delete process.env.GITMAINT_TEST_INHERIT;
      delete process.env.GITMAINT_TEST_DELETE;
    }
  });
});

describe("subcommandOf", () => {
  it("skips global options and their values", () => {
    expect(subcommandOf(["-c", "a=b", "--git-dir", "/x", "-C", "/y", "--no-pager", "index-pack", "--stdin"])).toBe("index-pack");
    expect(subcommandOf(["--git-dir=/x", "repack"])).toBe("repack");
    expect(subcommandOf(["--version"])).toBe("");
  });
});
