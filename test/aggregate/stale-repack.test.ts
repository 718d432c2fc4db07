/**
 * A repack reported by a scan that is a moment old may have exited already (the engine's process
 * monitor and the plugin's own poll share scans). Such a report must not leave a session behind:
 * a stale "aggregating during repack" session would hide from `status` that nothing runs and
 * would refuse every standalone pass. The repack here is a real exited process: a zombie child of
 * `sleep` (its parent never waits for it), whose /proc/<pid>/stat still reads, state Z.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { packCount, startAgg, stopAggRigs } from "../helpers/aggregate.js";
import { packOf } from "../helpers/aggregate-cycle.js";
import { cleanupAll, git, makeRepo, spawnTracked, tempDir, waitFor, writeLooseBlobs } from "../helpers/fixtures.js";

afterEach(async () => {
  await stopAggRigs();
  await cleanupAll();
});

/**
 * A zombie process: `sh` starts a short `sleep` in the background and becomes `sleep 30` at once
 * (exec), which never waits for children; the short sleep then exits and stays a zombie.
 */
async function zombie(): Promise<number> {
  const parent = spawnTracked("sh", ["-c", "sleep 1 & echo $!; exec sleep 30"], { stdio: ["ignore", "pipe", "ignore"] });
  const pid = await new Promise<number>((resolve) => parent.stdout?.once("data", (d: Buffer) => resolve(Number(String(d).trim()))));
  const state = () => {
    try {
      return /\) (\w) /.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
    } catch {
      return "gone";
    }
  };
  await waitFor(() => state() === "Z", { what: `pid ${pid} to be a zombie (state ${state()})` });
  return pid;
}

describe("aggregate-during-repack and a repack already gone", () => {
  it("a process.seen for an exited repack leaves no session; status says idle and a pass runs", async () => {
    const bare = makeRepo({ bare: true, commits: 2 });
    git(bare, ["repack", "-a", "-d", "-q"]);
    for (let i = 0; i < 3; i++) packOf(bare, writeLooseBlobs(bare, 2, `p${i}`));
    execFileSync("git", ["prune-packed"], { cwd: bare });
    const rig = await startAgg(bare, { stateDir: tempDir("state-"), agg: { minPackAgeMs: 0 } });
    const pid = await zombie();
    rig.engine.bus.emit("process.seen", { repo: rig.repo.id, at: Date.now(), pid, startTime: Date.now() - 50, argv: ["git", "repack", "--cruft", "-d"], role: "repack" });
    await new Promise((r) => setTimeout(r, 300));

    const status = await rig.engine.runPlugin("aggregate-during-repack", rig.repo.id, { args: { mode: "status" } });
    expect((status?.data as { session?: unknown }).session).toBeUndefined();
    const before = packCount(rig.repo.packDir);
    const pass = await rig.engine.runPlugin("aggregate-during-repack", rig.repo.id, { args: { mode: "pass" } });
    // the three small packs roll up into one; the bare repository's bitmapped pack is never an input
    expect((pass?.data as { deleted?: string[] }).deleted?.length).toBe(3);
    expect(packCount(rig.repo.packDir)).toBe(before - 2);
  });
});
