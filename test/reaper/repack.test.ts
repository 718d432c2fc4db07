/**
 * A real `git repack -a -d -f` taking several seconds, with the reaper sweeping every 100 ms and
 * every grace at 0: the repack must exit 0, `git fsck` must be clean, every object must survive,
 * and the reaper must have deleted none of the repack's files.
 */
import { afterEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupAll, git, gitEnv, spawnTracked, tempDir, waitFor } from "../helpers/fixtures.js";
import { fsck, startReaper, stopRigs } from "../helpers/reaper.js";

afterEach(async () => {
  await stopRigs();
  await cleanupAll();
});

/** A bare repo with `n` similar blobs in one commit (delta search makes repack -f take seconds). */
function bigRepo(n: number): string {
  const dir = tempDir("big-");
  git(dir, ["init", "-q", "--bare", "-b", "main"]);
  let base = "";
  for (let i = 0; i < 200; i++) base += `line ${i} lorem ipsum dolor sit amet ${(i * 7919) % 1000}\n`;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const data = `${base.replace(`line ${i % 200} `, `line ${i % 200} v${i} `)}tail ${i} ${Math.random()}\n`;
    out.push(`blob\nmark :${i + 1}\ndata ${Buffer.byteLength(data)}\n${data}`);
  }
  out.push(`commit refs/heads/main\nmark :${n + 1}\ncommitter T <t@e> 1700000000 +0000\ndata 2\nc\n`);
  for (let i = 0; i < n; i++) out.push(`M 100644 :${i + 1} f/${i % 100}/${i}\n`);
  execFileSync("git", ["fast-import", "--quiet"], { cwd: dir, env: gitEnv(), input: out.join("") });
  return dir;
}

describe("tmp-pack-reaper beside a running repack", () => {
  it("repack -a -d -f exits 0 and fsck is clean while the reaper sweeps every 100 ms with minAge 0", async () => {
    const repoDir = bigRepo(12_000);
    const objectsBefore = git(repoDir, ["rev-list", "--objects", "--all"]).split("\n").length;
    const rig = await startReaper(repoDir, { sweepIntervalMs: 100, minAgeMs: { tmp: 0, lock: 0, refLock: 0 } });
    const started = Date.now();
    // one thread and a wider delta window: ~3 s on a quiet 2-core machine, so the sweeps run beside it
    const repack = spawnTracked("git", ["-c", "pack.threads=1", "repack", "-a", "-d", "-f", "-q", "--window=50"], {
      cwd: repoDir,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    repack.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((r) => repack.on("exit", (code) => r(code)));
    // A dead file written while the repack runs: the repack started before it, so it must be kept
    // until the repack is gone (rule 2), then the sweep reaps it.
    await waitFor(() => Date.now() - started > 500, { intervalMs: 50 });
    mkdirSync(join(rig.repo.objectsDir, "fe"), { recursive: true });
    const dead = join(rig.repo.objectsDir, "fe", "tmp_obj_deadwriter");
    writeFileSync(dead, "x");
    // the repack (started before the file) is still alive: the file must be kept meanwhile
    await new Promise((r) => setTimeout(r, 300));
    expect(repack.exitCode).toBeNull();
    expect(existsSync(dead)).toBe(true);
    const code = await exit;
    const repackMs = Date.now() - started;
    expect(code, stderr).toBe(0);
    expect(repackMs).toBeGreaterThan(1000); // it really ran for a while under the sweeps
    expect(fsck(repoDir)).toBe("");
    expect(git(repoDir, ["rev-list", "--objects", "--all"]).split("\n").length).toBe(objectsBefore);
    await waitFor(() => !existsSync(dead), { timeoutMs: 10_000, what: "the dead tmp_obj to be reaped after the repack" });
    const deleted = (await rig.journal()).filter((e) => e.op === "delete").map((e) => e.path ?? "");
    expect(deleted).toContain("objects/fe/tmp_obj_deadwriter");
    // Nothing the repack wrote; at most the .idx of an input pack whose .pack repack -d had already unlinked.
    for (const p of deleted) expect(p).toMatch(/^objects\/(fe\/tmp_obj_deadwriter|pack\/pack-[0-9a-f]+\.idx)$/);
  });
});
