/** GitRunner basics with real git: output, exit codes, GitError, env, events, version. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Bus, GitError, GitRunner, GitVersionError, RepoError, resolveRepository, type AnyEvent } from "@gitmaint/core";
import { cleanupAll, git as plainGit, gitEnv, makeRepo, repoOf, tempDir } from "../helpers/fixtures.js";

afterEach(cleanupAll);

const env = (): Record<string, string | undefined> => gitEnv();

function recorder(): { bus: Bus; events: AnyEvent[] } {
  const bus = new Bus();
  const events: AnyEvent[] = [];
  bus.onAny((type, event) => void events.push({ type, event } as AnyEvent));
  return { bus, events };
}

describe("GitRunner.run", () => {
  it("returns stdout (final newline stripped), exit code and duration", async () => {
    const cwd = makeRepo();
    const r = await new GitRunner().run(["rev-parse", "HEAD"], { cwd, env: env() });
    expect(r.stdout).toBe(plainGit(cwd, ["rev-parse", "HEAD"]));
    expect(r.exitCode).toBe(0);
    expect(r.pid).toBeGreaterThan(0);
    expect(r.argv).toEqual(["rev-parse", "HEAD"]);
    expect(r.stdoutBuffer).toBeUndefined();
  });

  it("non-zero exit rejects with GitError carrying argv, git's exit code and the stderr tail", async () => {
    const cwd = makeRepo();
    const error = await new GitRunner().run(["rev-parse", "--verify", "nope"], { cwd, env: env() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    const e = error as GitError;
    expect(e.gitExitCode).toBe(128);
    expect(e.argv).toEqual(["rev-parse", "--verify", "nope"]);
    expect(e.stderrTail).toBe("fatal: Needed a single revision");
    expect(e.message).toBe("git rev-parse --verify nope exited with code 128: fatal: Needed a single revision");
    expect([e.timedOut, e.aborted, e.signal]).toEqual([false, false, undefined]);
    expect(e.exitCode).toBe(1);
  });

  it("exit codes in allowExitCodes count as success", async () => {
    const cwd = makeRepo();
    writeFileSync(join(cwd, "d0", "f0-0.txt"), "changed\n");
    const git = new GitRunner();
    await expect(git.run(["diff", "--quiet"], { cwd, env: env() })).rejects.toMatchObject({ gitExitCode: 1 });
    const r = await git.run(["diff", "--quiet"], { cwd, env: env(), allowExitCodes: [1] });
    expect(r.exitCode).toBe(1);
  });

  it("runs against a repository with --git-dir and -c, from anywhere", async () => {
    const repo = repoOf(makeRepo({ bare: true }));
    const git = new GitRunner();
    const r = await git.run(["config", "--get", "gitmaint.probe"], { repo, env: env(), config: { "gitmaint.probe": "yes=1" } });
    expect(r.stdout).toBe("yes=1");
    const dir = await git.run(["rev-parse", "--absolute-git-dir"], { repo, env: env() });
    expect(dir.stdout).toBe(repo.gitDir);
  });

  it("feeds input, keeps binary output as a Buffer, and enforces maxBuffer", async () => {
    const repo = repoOf(makeRepo());
    const git = new GitRunner();
    const blob = Buffer.from([0, 1, 2, 255, 10, 13]);
    const id = (await git.run(["hash-object", "-w", "--stdin"], { repo, env: env(), input: blob })).stdout;
    const out = await git.run(["cat-file", "blob", id], { repo, env: env(), binaryOutput: true });
    expect(out.stdoutBuffer?.equals(blob)).toBe(true);
    expect(out.stdout).toBe("");
    const big = await git.run(["log", "--format=%H%n%B"], { repo, env: env(), maxBuffer: 10 }).catch((e: unknown) => e);
    expect(big).toBeInstanceOf(GitError);
    expect((big as GitError).stderrTail).toContain("stdout exceeded maxBuffer");
  });

  it("inherits the environment, deletes variables set to undefined, and forces LC_ALL=C", async () => {
    const cwd = makeRepo();
    const git = new GitRunner();
    const alias = "!sh -c 'echo ${GITMAINT_PROBE-unset} $LC_ALL $GIT_TERMINAL_PROMPT'";
    const base = { ...env(), LC_ALL: undefined, LANG: "de_DE.UTF-8" };
    const set = await git.run(["-c", `alias.probe=${alias}`, "probe"], { cwd, env: { ...base, GITMAINT_PROBE: "here" } });
    expect(set.stdout).toBe("here C 0");
    const unset = await git.run(["-c", `alias.probe=${alias}`, "probe"], { cwd, env: { ...base, GITMAINT_PROBE: undefined } });
    expect(unset.stdout).toBe("unset C 0");
  });

  it("resolveRepository works through it, and a non-repository is a RepoError", async () => {
    const path = makeRepo();
    const git = new GitRunner();
    const repo = await resolveRepository(path, git);
    expect(repo).toEqual(repoOf(path));
    const bare = makeRepo({ bare: true });
    expect((await resolveRepository(bare, git)).bare).toBe(true);
    await expect(resolveRepository(tempDir("not-a-repo-"), git)).rejects.toBeInstanceOf(RepoError);
    expect(git.live()).toEqual([]);
  });

  it("a missing git binary is a GitVersionError; a missing cwd a GitError naming it", async () => {
    const missing = new GitRunner({ gitBinary: "/nonexistent/git" });
    await expect(missing.run(["version"])).rejects.toBeInstanceOf(GitVersionError);
    await expect(missing.version()).rejects.toThrow("git not found: install git >= 2.32");
    const error = await new GitRunner().run(["status"], { cwd: "/nonexistent/dir" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toContain("/nonexistent/dir");
  });
});

describe("GitRunner events and version", () => {
  it("announces every child: git.started then git.finished, attributed to the owner", async () => {
    const { bus, events } = recorder();
    const repo = repoOf(makeRepo());
    const git = new GitRunner({ bus }).withOwner("cruft-writer");
    await git.run(["rev-parse", "HEAD"], { repo, env: env() });
    await git.run(["rev-parse", "nope"], { repo, env: env(), owner: "other" }).catch(() => {});
    await git.run(["version"], { env: env() });
    expect(events.map((e) => e.type)).toEqual(["git.started", "git.finished", "git.started", "git.finished", "git.started", "git.finished"]);
    const [s1, f1, , f2, s3] = events.map((e) => e.event) as unknown as Record<string, unknown>[];
    expect(s1).toMatchObject({ repo: repo.id, argv: ["rev-parse", "HEAD"], owner: "cruft-writer" });
    expect(f1).toMatchObject({ runId: s1?.runId, pid: s1?.pid, exitCode: 0, ok: true, timedOut: false, aborted: false, cleaned: [], kept: [] });
    expect(f2).toMatchObject({ owner: "other", ok: false, exitCode: 128, signal: undefined });
    expect(s3).toMatchObject({ repo: "" });
    expect(typeof f1?.durationMs).toBe("number");
    expect(git.live()).toEqual([]);
  });

  it("detects the version once and compares it", async () => {
    const { bus, events } = recorder();
    const git = new GitRunner({ bus });
    const v = await git.version();
    expect(v.text).toBe(plainGit(tempDir(), ["version"]).replace("git version ", "").split(".").slice(0, 3).join("."));
    expect(await git.version()).toBe(v);
    expect(await git.atLeast(2, 0)).toBe(true);
    expect(await git.atLeast(v.major, v.minor, v.patch + 1)).toBe(false);
    expect(await git.withOwner("x").atLeast(99, 0)).toBe(false);
    expect(events).toEqual([]); // detection goes through a private runner, not the bus
  });
});
