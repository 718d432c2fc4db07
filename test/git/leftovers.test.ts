/**
 * After a failed or killed run in a repository, GitRunner removes what that run left behind
 * (proven dead by the real ProcessTable, journaled first) and nothing else.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Bus, GitError, GitRunner, Journal, ProcessTable, type GitmaintEvents } from "@gitmaint/core";
import { cleanupAll, gitEnv, makeRepo, repoOf, spawnTracked, tempDir, waitFor } from "../helpers/fixtures.js";

afterEach(cleanupAll);

/** A real pack of a repository with some history. */
function packOf(path: string): Buffer {
  const list = execFileSync("git", ["rev-list", "--objects", "--all"], { cwd: path, env: gitEnv() });
  return execFileSync("git", ["pack-objects", "--stdout"], { cwd: path, env: gitEnv(), input: list, maxBuffer: 64 << 20 });
}

function tmpPacks(packDir: string): string[] {
  return readdirSync(packDir).filter((n) => n.startsWith("tmp_pack_"));
}

function setup(): { bus: Bus; finished: GitmaintEvents["git.finished"][]; journal: Journal; git: GitRunner } {
  const bus = new Bus();
  const finished: GitmaintEvents["git.finished"][] = [];
  bus.on("git.finished", (e) => void finished.push(e));
  const journal = new Journal({ dir: tempDir("state-") });
  const git = new GitRunner({ bus, processes: new ProcessTable(), journal, owner: "test" });
  return { bus, finished, journal, git };
}

describe("GitRunner cleanup after failed runs", () => {
  it("removes the tmp_pack of an index-pack killed at its timeout, journals it, and keeps an older one", async () => {
    const source = makeRepo({ commits: 15 });
    const pack = packOf(source);
    const repo = repoOf(makeRepo({ bare: true }));
    const older = join(repo.packDir, "tmp_pack_older");
    writeFileSync(older, "left by someone before this run\n", { mode: 0o444 });
    const createdAt = Date.now();
    const { finished, journal, git } = setup();
    // The run's window starts 2 s before its spawn: let the older file fall out of it.
    await waitFor(() => Date.now() - createdAt > 2300, { what: "the older file to age", timeoutMs: 5000 });

    const child = git.withOwner("tmp-pack-reaper").spawn(["index-pack", "--stdin"], { repo, env: gitEnv(), timeoutMs: 1500 });
    child.stdin.write(pack.subarray(0, Math.floor(pack.length / 2))); // half a pack; stdin stays open
    const leaked = await waitFor(() => tmpPacks(repo.packDir).find((n) => n !== "tmp_pack_older"), { what: "tmp_pack" });
    const error = await child.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).timedOut).toBe(true);

    expect(tmpPacks(repo.packDir)).toEqual(["tmp_pack_older"]);
    expect(existsSync(older)).toBe(true);
    const rel = `objects/pack/${leaked}`;
    expect(finished.at(-1)).toMatchObject({ ok: false, timedOut: true, cleaned: [rel], kept: [] });
    const entries = await journal.read(repo.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      repo: repo.id,
      plugin: "tmp-pack-reaper",
      op: "delete",
      path: rel,
      reason: `left by failed git index-pack (pid ${child.pid}, timed out)`,
    });
    expect(entries[0]?.bytes).toBeGreaterThan(0);
  });

  it("keeps a new leftover that a live process holds open, removes the dead one", async () => {
    const repo = repoOf(makeRepo());
    const held = join(repo.packDir, "tmp_pack_heldopen");
    const dead = join(repo.objectsDir, "17", "tmp_obj_dead");
    execFileSync("mkdir", ["-p", join(repo.objectsDir, "17")]);
    writeFileSync(held, "x");
    writeFileSync(dead, "y");
    const holder = spawnTracked("sh", ["-c", `exec 3<"${held}"; echo ready; exec sleep 1000`]);
    await new Promise((r) => holder.stdout?.once("data", r));
    const { finished, journal, git } = setup();

    // a failing run in the same repository: garbage is not a pack
    const error = await git.run(["index-pack", "--stdin"], { repo, env: gitEnv(), input: "not a pack" }).catch((e: unknown) => e);
    expect((error as GitError).gitExitCode).toBe(128);

    expect(existsSync(held)).toBe(true);
    expect(existsSync(dead)).toBe(false);
    // index-pack dies on the bad header without removing its own tmp_pack: that one goes too
    expect(tmpPacks(repo.packDir)).toEqual(["tmp_pack_heldopen"]);
    const last = finished.at(-1);
    expect(last).toMatchObject({ ok: false, exitCode: 128, kept: ["objects/pack/tmp_pack_heldopen"] });
    expect([...(last?.cleaned ?? [])].sort()).toEqual(["objects/17/tmp_obj_dead", expect.stringMatching(/^objects\/pack\/tmp_pack_\w+$/)]);
    const entries = await journal.read(repo.id);
    expect(entries.map((e) => e.path).sort()).toEqual([...(last?.cleaned ?? [])].sort());
    for (const e of entries) {
      expect(e).toMatchObject({ op: "delete", plugin: "test", reason: `left by failed git index-pack (pid ${last?.pid}, exit code 128)` });
    }
  });

  it("touches nothing with cleanupOnFailure:false, on success, or without processes and journal", async () => {
    const repo = repoOf(makeRepo());
    const leftover = join(repo.packDir, "tmp_pack_new");
    writeFileSync(leftover, "x");
    const { finished, journal, git } = setup();
    await git.run(["index-pack", "--stdin"], { repo, env: gitEnv(), input: "junk", cleanupOnFailure: false }).catch(() => {});
    await git.run(["rev-parse", "HEAD"], { repo, env: gitEnv() });
    await new GitRunner().run(["index-pack", "--stdin"], { repo, env: gitEnv(), input: "junk" }).catch(() => {});
    // without a repo option there is nothing to clean either
    await git.run(["index-pack", "--stdin"], { cwd: repo.workTree ?? repo.gitDir, env: gitEnv(), input: "junk" }).catch(() => {});
    expect(existsSync(leftover)).toBe(true);
    expect(finished.map((e) => e.cleaned)).toEqual([[], [], []]);
    expect(await journal.read(repo.id)).toEqual([]);
  });
});
