/**
 * The liveness proof against real processes and a real repository: holders, writers (including a
 * SIGSTOPped git), named pids with pid-reuse protection, and the no-/proc fallback.
 */
import { closeSync, mkdirSync, openSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProcessTable, type Repository } from "@gitmaint/core";
import { cleanupAll, makeRepo, repoOf, spawnTracked, tempDir, waitFor } from "../helpers/fixtures.js";
import { entryFor } from "./entry.js";

afterEach(cleanupAll);

const table = new ProcessTable();
let repo: Repository;
beforeEach(() => {
  repo = repoOf(makeRepo());
});

const DEAD = { dead: true, reason: "dead: no holder, no possible writer" };
const HOUR_AGO = (Date.now() - 3_600_000) / 1000;

function file(rel: string, data = "x"): string {
  const path = join(repo.commonDir, rel);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, data, { mode: 0o444 });
  utimesSync(path, HOUR_AGO, HOUR_AGO);
  return path;
}

function holdOpen(path: string) {
  const fd = openSync(path, "r");
  try {
    return spawnTracked("sleep", ["600"], { stdio: [fd, "ignore", "ignore"] });
  } finally {
    closeSync(fd);
  }
}

async function exited(child: ReturnType<typeof spawnTracked>, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once("exit", r));
  child.kill(signal);
  await done;
}

describe("liveness: holders (rule 1)", () => {
  it("a file held open is not dead; after the holder exits it is", async () => {
    const path = file("objects/pack/tmp_pack_held");
    const child = holdOpen(path);
    const entry = entryFor(path, repo.commonDir, "tmp-pack");
    expect(await table.liveness(repo, entry)).toEqual({ dead: false, reason: `held open by pid ${child.pid} (sleep)` });
    await exited(child);
    expect(await table.liveness(repo, entry)).toEqual(DEAD);
  });

  it("a directory is not dead while anything inside it is held open", async () => {
    const inner = file("objects/incoming-abc/pack/tmp_pack_y");
    const dir = join(repo.objectsDir, "incoming-abc");
    const child = holdOpen(inner);
    const entry = entryFor(dir, repo.commonDir, "quarantine");
    expect(entry.isDirectory).toBe(true);
    expect((await table.liveness(repo, entry)).reason).toBe(`held open by pid ${child.pid} (sleep)`);
    await exited(child);
    expect(await table.liveness(repo, entry)).toEqual(DEAD);
  });

  it("ignorePids skips a holder; a snapshot without fds is replaced by one with them", async () => {
    const path = file("objects/pack/tmp_idx_q");
    const child = holdOpen(path);
    const entry = entryFor(path, repo.commonDir, "tmp-pack");
    expect(await table.liveness(repo, entry, { ignorePids: [child.pid!] })).toEqual(DEAD);
    const noFds = await table.scan({ fds: false });
    expect((await table.liveness(repo, entry, { snapshot: noFds })).reason).toBe(`held open by pid ${child.pid} (sleep)`);
    // A given snapshot is used as is: one taken before the holder existed shows no holder.
    const before = await table.scan({ fds: true });
    const late = holdOpen(path);
    expect(await table.liveness(repo, entry, { snapshot: before, ignorePids: [child.pid!] })).toEqual(DEAD);
    expect((await table.liveness(repo, entry, { ignorePids: [child.pid!] })).reason).toBe(`held open by pid ${late.pid} (sleep)`);
  });

  it("a real `git index-pack --stdin` writing a tmp_pack keeps it live; once killed the leak is dead", async () => {
    const writer = spawnTracked("git", ["index-pack", "--stdin"], { cwd: repo.workTree! });
    const name = await waitFor(() => readdirSync(repo.packDir).find((n) => n.startsWith("tmp_pack_")), { what: "tmp_pack" });
    const entry = entryFor(join(repo.packDir, name), repo.commonDir, "tmp-pack");
    expect(await table.liveness(repo, entry)).toEqual({ dead: false, reason: `held open by pid ${writer.pid} (git)` });
    await exited(writer);
    expect(await table.liveness(repo, entryFor(entry.path, repo.commonDir, "tmp-pack"))).toEqual(DEAD);
  });
});

describe("liveness: possible writers (rule 2)", () => {
  it("a SIGSTOPped git that started before the file changed keeps it live, even with an old mtime", async () => {
    const git = spawnTracked("git", ["cat-file", "--batch"], { cwd: repo.workTree! });
    process.kill(git.pid!, "SIGSTOP");
    await waitFor(async () => (await table.scan()).get(git.pid!)?.state === "T", { what: "stopped git" });
    const path = file("objects/pack/tmp_idx_stopped"); // mtime set an hour back; ctime stays now
    const entry = entryFor(path, repo.commonDir, "tmp-pack");
    const expected = { dead: false, reason: `git pid ${git.pid} (other) started before it last changed` };
    expect(await table.liveness(repo, entry)).toEqual(expected);
    utimesSync(path, HOUR_AGO - 3600, HOUR_AGO - 3600);
    expect(await table.liveness(repo, entryFor(path, repo.commonDir, "tmp-pack"))).toEqual(expected);
    // Only ignoring that pid (e.g. the caller's own dead child) makes it dead.
    expect(await table.liveness(repo, entry, { ignorePids: [git.pid!] })).toEqual(DEAD);
  });

  it("a git that started after the file's last change (beyond the slack) cannot be its writer", async () => {
    const path = file("objects/pack/tmp_pack_old");
    const entry = { ...entryFor(path, repo.commonDir, "tmp-pack"), newestChangeMs: Date.now() - 60_000 };
    const git = spawnTracked("git", ["cat-file", "--batch"], { cwd: repo.workTree! });
    expect((await table.gitProcessesFor(repo)).map((p) => p.pid)).toContain(git.pid);
    expect(await table.liveness(repo, entry)).toEqual(DEAD);
    // With a slack wide enough to cover its start, it could be.
    expect((await table.liveness(repo, entry, { slackMs: 120_000 })).dead).toBe(false);
  });

  it("a git working on another repository is not a possible writer", async () => {
    const other = makeRepo();
    const git = spawnTracked("git", ["cat-file", "--batch"], { cwd: other });
    const path = file("objects/pack/tmp_pack_elsewhere");
    expect((await table.gitProcessesFor(repo)).map((p) => p.pid)).not.toContain(git.pid);
    expect(await table.liveness(repo, entryFor(path, repo.commonDir, "tmp-pack"))).toEqual(DEAD);
  });
});

describe("liveness: named pids (rule 3)", () => {
  async function deadPid(): Promise<number> {
    const child = spawnTracked("sleep", ["600"], { stdio: "ignore" });
    await exited(child);
    return child.pid!;
  }

  it(".tmp-<pid>-pack-*: live pid keeps it, dead pid does not", async () => {
    const live = spawnTracked("sleep", ["600"], { stdio: "ignore" });
    const p1 = file(`objects/pack/.tmp-${live.pid}-pack-x.pack`);
    expect(await table.liveness(repo, entryFor(p1, repo.commonDir, "repack-staging", { pid: live.pid! }))).toEqual({
      dead: false,
      reason: `named pid ${live.pid} is alive`,
    });
    const gone = await deadPid();
    const p2 = file(`objects/pack/.tmp-${gone}-pack-y.pack`);
    expect(await table.liveness(repo, entryFor(p2, repo.commonDir, "repack-staging", { pid: gone }))).toEqual(DEAD);
  });

  it("a SIGSTOPped named pid is alive", async () => {
    const stopped = spawnTracked("sleep", ["600"], { stdio: "ignore" });
    process.kill(stopped.pid!, "SIGSTOP");
    const path = file("gc.pid", `${stopped.pid} ${hostname()}`);
    const verdict = await table.liveness(repo, entryFor(path, repo.commonDir, "gc-pid", { pid: stopped.pid!, host: hostname() }));
    expect(verdict).toEqual({ dead: false, reason: `named pid ${stopped.pid} is alive` });
  });

  it("startTicks guards against pid reuse", async () => {
    const live = spawnTracked("sleep", ["600"], { stdio: "ignore" });
    const ticks = table.startTicksOf(live.pid!)!;
    expect(ticks).toBeGreaterThan(0);
    const path = file("objects/pack/pack-abc.keep", `gitmaint-aggregate pid=${live.pid} start=${ticks}\n`);
    const same = entryFor(path, repo.commonDir, "gitmaint-keep", { pid: live.pid!, startTicks: ticks });
    expect((await table.liveness(repo, same)).reason).toBe(`named pid ${live.pid} is alive`);
    // Same pid, different start time: the named owner is gone and the pid belongs to someone else.
    expect(await table.liveness(repo, { ...same, startTicks: ticks - 1 })).toEqual(DEAD);
  });

  it("a transfer .keep: other host cannot be proven; our host follows its pid", async () => {
    const live = spawnTracked("sleep", ["600"], { stdio: "ignore" });
    const path = file("objects/pack/pack-def.keep", `receive-pack ${live.pid} on ${hostname()}\n`);
    const base = entryFor(path, repo.commonDir, "transfer-keep");
    const otherHost = await table.liveness(repo, { ...base, pid: 1234, host: "elsewhere.invalid" });
    expect(otherHost).toEqual({ dead: false, reason: "named pid 1234 is on host elsewhere.invalid: cannot prove" });
    expect((await table.liveness(repo, { ...base, pid: live.pid!, host: hostname() })).dead).toBe(false);
    expect(await table.liveness(repo, { ...base, pid: await deadPid(), host: hostname() })).toEqual(DEAD);
  });
});

describe("liveness without /proc", () => {
  it("never says dead", async () => {
    const t = new ProcessTable({ procRoot: join(tempDir("noproc-"), "proc") });
    const path = file("objects/pack/tmp_pack_noproc");
    expect(await t.liveness(repo, entryFor(path, repo.commonDir, "tmp-pack"))).toEqual({ dead: false, reason: "no /proc: cannot prove" });
  });
});
