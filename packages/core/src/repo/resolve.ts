/**
 * Repository resolution: `git rev-parse` once per path. Works for bare repositories, work trees,
 * linked worktrees and GIT_OBJECT_DIRECTORY. A path that is not a repository is a RepoError
 * (one line, exit 2) naming the path.
 */
import { realpathSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { GitError, RepoError } from "../errors.js";
import type { GitRunnerApi } from "../git/types.js";
import type { Repository } from "./types.js";

export async function resolveRepository(path: string, git: Pick<GitRunnerApi, "run">): Promise<Repository> {
  const abs = resolve(path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new RepoError(`not a git repository: ${path} (no such file or directory)`, path);
  }
  if (!st.isDirectory()) throw new RepoError(`not a git repository: ${path} (not a directory)`, path);

  let out: string;
  try {
    const result = await git.run(
      ["rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir", "--is-bare-repository", "--show-toplevel", "--git-path", "objects"],
      { cwd: abs, env: { GIT_DIR: undefined, GIT_WORK_TREE: undefined }, allowExitCodes: [128], cleanupOnFailure: false },
    );
    out = result.stdout;
    if (result.exitCode !== 0) {
      // --show-toplevel fails (128) in a bare repo: ask again without it.
      const bare = await git.run(
        ["rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir", "--is-bare-repository", "--git-path", "objects"],
        { cwd: abs, env: { GIT_DIR: undefined, GIT_WORK_TREE: undefined }, cleanupOnFailure: false },
      );
      const [gd, cd, isBare, objects] = bare.stdout.split("\n");
      out = [gd, cd, isBare, "", objects].join("\n");
    }
  } catch (error) {
    if (error instanceof GitError) throw new RepoError(`not a git repository: ${path}`, path, { cause: error });
    throw error;
  }
  const [gitDirRaw = "", commonRaw = "", bareRaw = "", topRaw = "", objectsRaw = ""] = out.split("\n");
  const gitDir = real(gitDirRaw, abs);
  const commonDir = real(commonRaw, abs);
  const bare = bareRaw.trim() === "true";
  const objectsDir = real(objectsRaw, abs);
  const workTree = bare || topRaw.trim() === "" ? null : real(topRaw, abs);
  const name = workTree ? basename(workTree) : basename(commonDir) === ".git" ? basename(dirname(commonDir)) : basename(commonDir);
  return {
    id: commonDir,
    gitDir,
    commonDir,
    objectsDir,
    packDir: `${objectsDir}/pack`,
    workTree,
    bare,
    name,
  };
}

function real(p: string, base: string): string {
  const abs = isAbsolute(p.trim()) ? p.trim() : resolve(base, p.trim());
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}
