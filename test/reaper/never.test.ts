/**
 * Never reaped, even with an old mtime and `--min-age 0`: each live case is kept with its reason,
 * then its cause is removed (the process killed) and the same file IS reaped: proof that the
 * test could fail.
 */
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, relative } from "node:path";
import { cleanupAll, makeRepo, spawnTracked, waitFor } from "../helpers/fixtures.js";
import { holdOpen, killAndWait, livePid, packSource, startIndexPack, startReaper, stopRigs, type ReaperRig } from "../helpers/reaper.js";

const SLACK = 200;
const HOUR_AGO = new Date(Date.now() - 3_600_000);

afterEach(async () => {
  await stopRigs();
  await cleanupAll();
});

async function rig(): Promise<ReaperRig> {
  return startReaper(makeRepo({ bare: true }), { slackMs: SLACK });
}

function makeOld(path: string, content = "data"): string {
  writeFileSync(path, content, { mode: 0o444 });
  utimesSync(path, HOUR_AGO, HOUR_AGO);
  return path;
}

/** Reaps with --min-age 0 and returns the kept reason of `path` (failing if it was deleted). */
async function keptReason(r: ReaperRig, path: string): Promise<string> {
  const rel = relative(r.repo.commonDir, path);
  const data = await r.reap({ minAgeMs: 0 });
  expect(data.deleted.map((d) => d.path)).not.toContain(rel);
  expect(existsSync(path)).toBe(true);
  const kept = data.kept.find((k) => k.path === rel);
  expect(kept, `${rel} should be listed as kept`).toBeDefined();
  return kept!.reason;
}

async function expectReaped(r: ReaperRig, path: string): Promise<void> {
  const data = await r.reap({ minAgeMs: 0 });
  expect(data.deleted.map((d) => d.path)).toContain(relative(r.repo.commonDir, path));
  expect(existsSync(path)).toBe(false);
}

const outlastSlack = () => new Promise((res) => setTimeout(res, SLACK + 150));

describe("tmp-pack-reaper never reaps a live file", () => {
  it("a file held open by a live (non-git) process", async () => {
    const r = await rig();
    const path = makeOld(join(r.repo.packDir, "tmp_pack_held"));
    const holder = await holdOpen(path);
    expect(await keptReason(r, path)).toMatch(new RegExp(`held open by pid ${holder.pid}`));
    await killAndWait(holder);
    await expectReaped(r, path);
  });

  it("a tmp_pack written by a SIGSTOPped git index-pack", async () => {
    const { pack } = packSource(128);
    const r = await rig();
    const writer = await startIndexPack(r.repo.commonDir, r.repo.packDir, pack);
    process.kill(writer.child.pid!, "SIGSTOP");
    await waitFor(() => /State:\s+T/.test(readStatus(writer.child.pid!)), { what: "the writer to stop" });
    utimesSync(writer.path, HOUR_AGO, HOUR_AGO);
    expect(await keptReason(r, writer.path)).toMatch(new RegExp(`pid ${writer.child.pid}`));
    await killAndWait(writer.child);
    await outlastSlack();
    await expectReaped(r, writer.path);
  });

  it("a closed, unchanging tmp_idx_* while a git process that started before it is alive", async () => {
    const r = await rig();
    const gitProc = spawnTracked("git", ["cat-file", "--batch"], { cwd: r.repo.commonDir, stdio: ["pipe", "ignore", "ignore"] });
    await waitFor(() => readStatus(gitProc.pid!).includes("git"), { what: "git cat-file to run" });
    await outlastSlack();
    const path = makeOld(join(r.repo.packDir, "tmp_idx_closed"));
    expect(await keptReason(r, path)).toMatch(new RegExp(`git pid ${gitProc.pid} .*started before it last changed`));
    await killAndWait(gitProc);
    await expectReaped(r, path);
  });

  it(".tmp-<pid>-pack-* of a live repack pid", async () => {
    const r = await rig();
    const repack = livePid();
    const pack = makeOld(join(r.repo.packDir, `.tmp-${repack.pid}-pack-0123456789abcdef0123456789abcdef01234567.pack`));
    const idx = makeOld(join(r.repo.packDir, `.tmp-${repack.pid}-pack-0123456789abcdef0123456789abcdef01234567.idx`));
    expect(await keptReason(r, pack)).toBe(`repack pid ${repack.pid} is alive`);
    expect(existsSync(idx)).toBe(true);
    await killAndWait(repack);
    await expectReaped(r, pack);
    expect(existsSync(idx)).toBe(false);
  });

  it("a receive-pack .keep of a live pid (and never a user's own .keep)", async () => {
    const r = await rig();
    const receiver = livePid();
    const keep = makeOld(join(r.repo.packDir, "pack-1111111111111111111111111111111111111111.keep"), `receive-pack ${receiver.pid} on ${hostname()}\n`);
    const userKeep = makeOld(join(r.repo.packDir, "pack-2222222222222222222222222222222222222222.keep"), "kept by me\n");
    expect(await keptReason(r, keep)).toMatch(new RegExp(`pid ${receiver.pid} is alive`));
    await killAndWait(receiver);
    const data = await r.reap({ minAgeMs: 0 });
    expect(data.deleted.map((d) => d.path)).toEqual(["objects/pack/pack-1111111111111111111111111111111111111111.keep"]);
    expect(existsSync(userKeep)).toBe(true);
    expect(data.kept.map((k) => k.path)).not.toContain("objects/pack/pack-2222222222222222222222222222222222222222.keep");
  });

  it("gc.pid of a live pid, and a .keep naming another host until it is 7 days old", async () => {
    const r = await rig();
    const gc = livePid();
    const gcPid = makeOld(join(r.repo.commonDir, "gc.pid"), `${gc.pid} ${hostname()}`);
    const foreign = makeOld(join(r.repo.packDir, "pack-3333333333333333333333333333333333333333.keep"), "fetch-pack 1 on some-other-host\n");
    expect(await keptReason(r, gcPid)).toMatch(/gc owner pid \d+ is alive/);
    expect(await keptReason(r, foreign)).toMatch(/another host \(some-other-host\); kept until 7d old/);
    await killAndWait(gc);
    await expectReaped(r, gcPid);
    const weekAgo = new Date(Date.now() - 8 * 86_400_000);
    utimesSync(foreign, weekAgo, weekAgo); // ctime stays now: still kept
    expect(await keptReason(r, foreign)).toMatch(/another host/);
  });
});

function readStatus(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return "";
  }
}
