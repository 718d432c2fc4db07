/**
 * GitRunner kills the whole process tree of a git child on timeout, abort and kill(), and only
 * settles once every process of it is dead.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Bus, GitError, GitRunner, type GitmaintEvents } from "@gitmaint/core";
import { cleanupAll, gitEnv, makeRepo, repoOf, waitFor } from "../helpers/fixtures.js";
import { descendants, isDead } from "./helpers.js";

afterEach(cleanupAll);

const env = (): Record<string, string | undefined> => gitEnv();

/** A git whose shell alias leaves grandchildren: `sh` with a background and a foreground sleep. */
function aliasArgs(script: string): string[] {
  return ["-c", `alias.hang=!sh -c '${script}'`, "hang"];
}

async function rejection(p: Promise<unknown>): Promise<GitError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitError);
  return error as GitError;
}

describe("GitRunner kills trees", () => {
  it("times out `git cat-file --batch` with stdin held open: GitError timedOut, pid gone", async () => {
    const repo = repoOf(makeRepo());
    const git = new GitRunner();
    const child = git.spawn(["cat-file", "--batch"], { repo, env: env(), timeoutMs: 300 });
    expect(child.pid).toBeGreaterThan(0);
    child.stdin.write("HEAD\n"); // answered, then it waits for more input forever
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    const error = await rejection(child.result);
    expect(error.timedOut).toBe(true);
    expect(error.aborted).toBe(false);
    expect(error.signal).toBe("SIGTERM");
    expect(error.message).toContain("timed out");
    expect(Buffer.concat(chunks).toString()).toMatch(/^[0-9a-f]{40} commit \d+\n/);
    expect(isDead(child.pid)).toBe(true);
    expect(git.live()).toEqual([]);
  });

  it("kills grandchildren of a shell alias at the timeout, including one that left the group", async () => {
    const bus = new Bus();
    const started: GitmaintEvents["git.started"][] = [];
    bus.on("git.started", (e) => void started.push(e));
    const git = new GitRunner({ bus });
    const cwd = makeRepo();
    const run = git.run(aliasArgs("setsid sleep 1001 & sleep 1002 & sleep 1003"), { cwd, env: env(), timeoutMs: 1500 });
    const pid = await waitFor(() => started[0]?.pid, { what: "git.started" });
    const tree = await waitFor(
      () => {
        const d = descendants(pid);
        return d.filter((s) => s.comm === "sleep").length === 3 ? d : undefined;
      },
      { what: "three sleeps under the alias" },
    );
    const error = await rejection(run);
    expect(error.timedOut).toBe(true);
    expect(isDead(pid)).toBe(true);
    for (const s of tree) expect(isDead(s.pid), `${s.comm} ${s.pid}`).toBe(true);
  });

  it("escalates to SIGKILL after killGraceMs when the tree ignores SIGTERM", async () => {
    const bus = new Bus();
    let pid = 0;
    bus.on("git.started", (e) => void (pid = e.pid));
    const git = new GitRunner({ bus });
    const ac = new AbortController();
    const run = git.run(aliasArgs("trap \"\" TERM; sleep 1004 & sleep 1005"), { cwd: makeRepo(), env: env(), signal: ac.signal, killGraceMs: 200 });
    const tree = await waitFor(
      () => {
        const d = pid ? descendants(pid) : [];
        return d.filter((s) => s.comm === "sleep").length === 2 ? d : undefined;
      },
      { what: "two sleeps" },
    );
    ac.abort();
    const error = await rejection(run);
    expect(error.aborted).toBe(true);
    expect(error.timedOut).toBe(false);
    for (const s of tree) expect(isDead(s.pid), `${s.comm} ${s.pid}`).toBe(true);
  });

  it("rejects at once with aborted when the signal is already aborted, spawning nothing", async () => {
    const bus = new Bus();
    const events: string[] = [];
    bus.onAny((type) => void events.push(type));
    const git = new GitRunner({ bus });
    const error = await rejection(git.run(["version"], { signal: AbortSignal.abort(), env: env() }));
    expect(error.aborted).toBe(true);
    expect(events).toEqual([]);
    const child = git.spawn(["cat-file", "--batch"], { signal: AbortSignal.abort(), env: env() });
    expect((await rejection(child.result)).aborted).toBe(true);
  });

  it("kill(runId) and killAll() end live runs and wait for them", async () => {
    const repo = repoOf(makeRepo());
    const git = new GitRunner();
    const plugin = git.withOwner("some-plugin");
    const a = git.spawn(["cat-file", "--batch"], { repo, env: env() });
    const b = plugin.spawn(["cat-file", "--batch-check"], { repo, env: env() });
    const c = git.spawn(["cat-file", "--batch"], { repo, env: env() });
    expect(git.live().map((r) => [r.runId, r.owner, r.repo])).toEqual([
      [a.runId, "gitmaint", repo.id],
      [b.runId, "some-plugin", repo.id],
      [c.runId, "gitmaint", repo.id],
    ]);
    expect(plugin.live()).toHaveLength(3); // one registry behind every owner view
    expect(plugin.kill(a.runId)).toBe(true);
    const ea = await rejection(a.result);
    expect([ea.aborted, ea.timedOut, ea.signal]).toEqual([false, false, "SIGTERM"]);
    expect(git.kill(a.runId)).toBe(false);
    await git.killAll();
    expect(git.live()).toEqual([]);
    for (const r of [b, c]) {
      expect(isDead(r.pid)).toBe(true);
      await rejection(r.result);
    }
  });

  it("a run that finishes before its timeout is not affected by it", async () => {
    const git = new GitRunner();
    const result = await git.run(["rev-parse", "HEAD"], { cwd: makeRepo(), env: env(), timeoutMs: 10_000 });
    expect(result.stdout).toMatch(/^[0-9a-f]{40}$/);
    expect(git.live()).toEqual([]);
  });
});
