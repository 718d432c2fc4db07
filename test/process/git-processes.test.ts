/** gitProcessesFor against real git processes: which repository each one works on, and its role. */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ProcessTable, type GitProcInfo, type Repository } from "@gitmaint/core";
import { cleanupAll, git, gitEnv, makeRepo, repoOf, spawnTracked, tempDir } from "../helpers/fixtures.js";

afterEach(cleanupAll);

const table = new ProcessTable();

/** A git that waits on stdin forever (until cleanupAll kills it). */
function idleGit(args: string[], cwd: string, env: NodeJS.ProcessEnv = gitEnv()) {
  return spawnTracked("git", args, { cwd, env });
}

async function found(repo: Repository, pid: number): Promise<GitProcInfo | undefined> {
  return (await table.gitProcessesFor(repo)).find((p) => p.pid === pid);
}

describe("gitProcessesFor", () => {
  it("finds a git by its cwd, -C, --git-dir and GIT_DIR; ignores a git in another repository", async () => {
    const path = makeRepo();
    const repo = repoOf(path);
    const elsewhere = tempDir("elsewhere-");
    const byCwd = idleGit(["cat-file", "--batch"], path);
    const byC = idleGit(["-C", path, "-c", "core.abbrev=12", "cat-file", "--batch"], elsewhere);
    const byGitDir = idleGit([`--git-dir=${repo.gitDir}`, "cat-file", "--batch"], elsewhere);
    const byEnv = idleGit(["cat-file", "--batch"], elsewhere, { ...gitEnv(), GIT_DIR: repo.gitDir });
    const other = idleGit(["cat-file", "--batch"], makeRepo());

    const procs = await table.gitProcessesFor(repo);
    const byPid = new Map(procs.map((p) => [p.pid, p]));
    for (const child of [byCwd, byC, byGitDir, byEnv]) {
      expect(byPid.get(child.pid!), `pid ${child.pid}`).toMatchObject({ match: "certain", role: "other", comm: "git" });
    }
    expect(byPid.has(other.pid!)).toBe(false);
    expect(byPid.get(byCwd.pid!)!.startTime).toBeGreaterThan(Date.now() - 60_000);
  });

  it("finds a git in a linked worktree and in a bare repository", async () => {
    const path = makeRepo();
    const wt = join(tempDir("wt-"), "linked");
    git(path, ["worktree", "add", "-q", wt]);
    const inWorktree = idleGit(["cat-file", "--batch"], wt);
    expect(await found(repoOf(path), inWorktree.pid!)).toMatchObject({ match: "certain" });

    const bare = makeRepo({ bare: true });
    const inBare = idleGit(["cat-file", "--batch"], bare);
    expect(await found(repoOf(bare), inBare.pid!)).toMatchObject({ match: "certain" });
    expect(await found(repoOf(path), inBare.pid!)).toBeUndefined();
  });

  it("reports roles of real git commands", async () => {
    const bare = makeRepo({ bare: true });
    const repo = repoOf(bare);
    const indexPack = idleGit(["index-pack", "--stdin"], bare);
    const uploadPack = idleGit(["upload-pack", bare], tempDir("client-"));
    const snap = await table.scan();
    const procs = await table.gitProcessesFor(repo, snap);
    const roleOf = (pid: number) => procs.find((p) => p.pid === pid)?.role;
    expect(roleOf(indexPack.pid!)).toBe("index-pack");
    expect(roleOf(uploadPack.pid!)).toBe("upload-pack");
  });

  it("skips git processes that are gone or zombies", async () => {
    const path = makeRepo();
    const child = idleGit(["cat-file", "--batch"], path);
    const snap = await table.scan();
    const done = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await done;
    expect((await table.gitProcessesFor(repoOf(path), snap)).map((p) => p.pid)).not.toContain(child.pid);
  });
});
