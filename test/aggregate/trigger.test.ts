/**
 * Work-triggered cycles: while a repack runs, a cycle starts as soon as `triggerPacks` packs are
 * ready to be rolled up, long before `intervalMs`. Pushed packs (arrived `.keep` first) are ready
 * the moment receive-pack removes their `.keep`; a pack that appeared any other way still waits for
 * the settle time. The repack is a real `git repack -a -d` whose pack-objects child is held with
 * SIGSTOP (alive, so rule b allows cycles) while real pushes arrive.
 */
import { chmodSync, readdirSync, readFileSync, rmSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ActionEvent } from "@gitmaint/core";
import { fsckClean, generateRepo } from "../helpers/cruft.js";
import { packOf } from "../helpers/aggregate-cycle.js";
import { startAgg, stopAggRigs } from "../helpers/aggregate.js";
import { cleanupAll, git, spawnTracked, tempDir, waitFor, writeLooseBlobs } from "../helpers/fixtures.js";

afterEach(async () => {
  await stopAggRigs();
  await cleanupAll();
});

/** Pid of a live `git pack-objects` child of `parent` (from /proc), if any. */
function packObjectsChild(parent: number): number | undefined {
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent && readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").includes("pack-objects")) return Number(d);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

interface HeldRepack {
  bare: string;
  work: string;
  rig: Awaited<ReturnType<typeof startAgg>>;
  actions: ActionEvent[];
  push(message: string): void;
  /** Lets the repack's pack-objects go on and returns the repack's exit code. */
  release(): Promise<number | null>;
}

/** A bare repository with a clone to push from, the aggregator, and a real repack held (SIGSTOP) in its pack-objects. */
async function heldRepack(agg: Record<string, unknown>): Promise<HeldRepack> {
  // big enough that pack-objects (-f, delta search) is still running when it is stopped
  const bare = generateRepo({ commits: 1500, filesPerCommit: 6, bare: true });
  git(bare, ["config", "receive.unpackLimit", "1"]);
  const work = join(tempDir("clone-"), "w");
  git(tempDir(), ["clone", "-q", bare, work]);
  const rig = await startAgg(bare, { stateDir: tempDir("state-"), agg: { detectIntervalMs: 100, ...agg } });
  const actions: ActionEvent[] = [];
  rig.engine.bus.on("action", (a) => void (a.plugin === "aggregate-during-repack" && actions.push(a)));
  const repack = spawnTracked("git", ["repack", "-a", "-d", "-f", "--window=50", "-q"], { cwd: bare });
  const exited = new Promise<number | null>((r) => repack.on("exit", r));
  const po = await waitFor(() => packObjectsChild(repack.pid!), { what: "the repack's pack-objects" });
  process.kill(po, "SIGSTOP");
  let released = false;
  const release = () => {
    if (!released) process.kill(po, "SIGCONT");
    released = true;
    return exited;
  };
  try {
    await waitFor(
      async () => {
        const r = await rig.engine.runPlugin("aggregate-during-repack", rig.repo.id, { args: { mode: "status" } });
        return (r?.data as { session?: { state: string } }).session?.state === "active";
      },
      { what: "an active aggregation session" },
    );
  } catch (error) {
    await release();
    throw error;
  }
  return {
    bare,
    work,
    rig,
    actions,
    push: (message) => {
      git(work, ["commit", "-q", "--allow-empty", "-m", message]);
      git(work, ["push", "-q", "origin", "HEAD"]);
    },
    release,
  };
}

describe("aggregate-during-repack triggered cycles", () => {
  it("rolls up pushed packs as soon as triggerPacks are ready, not at intervalMs; a pack of unknown origin waits for its settle time", async () => {
    const h = await heldRepack({ intervalMs: 600_000, triggerPacks: 3, minIntervalMs: 0, minPackAgeMs: 600_000 });
    try {
      // the session is active (its first, empty cycle ran at once); now a plain pack and 3 pushes
      const plain = packOf(h.bare, writeLooseBlobs(h.bare, 3, "plain"));
      const pushedAt = Date.now();
      for (let i = 0; i < 3; i++) h.push(`push ${i}`);
      const action = await waitFor(() => h.actions[0], { what: "a triggered cycle", timeoutMs: 10_000 });
      expect(Date.now() - pushedAt).toBeLessThan(10_000); // intervalMs is 10 minutes
      const details = action.details as { inputs: string[]; deleted: string[] };
      expect(details.inputs).toHaveLength(3);
      expect(details.deleted).toHaveLength(3);
      expect(details.inputs).not.toContain(plain); // not keep-first: waits for its 10-minute settle
      expect(readdirSync(h.rig.repo.packDir)).toContain(`pack-${plain}.pack`);
    } finally {
      expect(await h.release()).toBe(0);
    }
    expect(git(h.bare, ["rev-parse", "refs/heads/main"])).toBe(git(h.work, ["rev-parse", "HEAD"]));
    fsckClean(h.bare);
  }, 60_000);

  it("after a failed cycle, new pushes do not start early retries: the next cycle waits for intervalMs", async () => {
    const h = await heldRepack({ intervalMs: 600_000, triggerPacks: 2, minIntervalMs: 0, minPackAgeMs: 0 });
    let corrupt = "";
    try {
      // a pack whose data is cut short (its .idx is complete, its objects exist nowhere else), then
      // two pushes: the triggered cycle takes all three and pack-objects fails on the broken one
      corrupt = packOf(h.bare, writeLooseBlobs(h.bare, 20, "corrupt"));
      git(h.bare, ["prune-packed"]);
      const packPath = join(h.rig.repo.packDir, `pack-${corrupt}.pack`);
      chmodSync(packPath, 0o644);
      truncateSync(packPath, 40);
      h.push("first");
      h.push("second");
      const failures = async () => (await h.rig.journal()).filter((e) => e.op === "failure" && e.plugin === "aggregate-during-repack").length;
      await waitFor(async () => (await failures()) >= 1, { what: "the failed cycle" });
      for (let i = 0; i < 4; i++) h.push(`after the failure ${i}`);
      await new Promise((r) => setTimeout(r, 1500));
      expect(await failures()).toBe(1);
      expect(h.actions).toEqual([]);
    } finally {
      for (const ext of ["pack", "idx"]) rmSync(join(h.rig.repo.packDir, `pack-${corrupt}.${ext}`), { force: true });
      expect(await h.release()).toBe(0);
    }
  }, 60_000);
});
