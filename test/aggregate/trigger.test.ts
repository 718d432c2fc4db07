/**
 * Work-triggered cycles: while a repack runs, a cycle starts as soon as `triggerPacks` packs are
 * ready to be rolled up, long before `intervalMs`. Pushed packs (arrived `.keep` first) are ready
 * the moment receive-pack removes their `.keep`; a pack that appeared any other way still waits for
 * the settle time. The repack is a real `git repack -a -d` whose pack-objects child is held with
 * SIGSTOP (alive, so rule b allows cycles) while real pushes arrive.
 */
import { readdirSync, readFileSync } from "node:fs";
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

describe("aggregate-during-repack triggered cycles", () => {
  it("rolls up pushed packs as soon as triggerPacks are ready, not at intervalMs; a pack of unknown origin waits for its settle time", async () => {
    // big enough that pack-objects (-f, delta search) is still running when it is stopped
    const bare = generateRepo({ commits: 1500, filesPerCommit: 6, bare: true });
    git(bare, ["config", "receive.unpackLimit", "1"]);
    const work = join(tempDir("clone-"), "w");
    git(tempDir(), ["clone", "-q", bare, work]);
    const rig = await startAgg(bare, {
      stateDir: tempDir("state-"),
      agg: { intervalMs: 600_000, triggerPacks: 3, minIntervalMs: 0, minPackAgeMs: 600_000, detectIntervalMs: 100 },
    });
    const actions: ActionEvent[] = [];
    rig.engine.bus.on("action", (a) => void (a.plugin === "aggregate-during-repack" && actions.push(a)));

    const repack = spawnTracked("git", ["repack", "-a", "-d", "-f", "--window=50", "-q"], { cwd: bare });
    const exited = new Promise<number | null>((r) => repack.on("exit", r));
    const po = await waitFor(() => packObjectsChild(repack.pid!), { what: "the repack's pack-objects" });
    process.kill(po, "SIGSTOP");
    try {
      // the session starts (its first, empty cycle runs at once), then: a plain pack and 3 pushes
      await waitFor(async () => {
        const r = await rig.engine.runPlugin("aggregate-during-repack", rig.repo.id, { args: { mode: "status" } });
        return (r?.data as { session?: { state: string; cycles: number } }).session?.state === "active";
      }, { what: "an active aggregation session" });
      const plain = packOf(bare, writeLooseBlobs(bare, 3, "plain"));
      const pushedAt = Date.now();
      for (let i = 0; i < 3; i++) {
        git(work, ["commit", "-q", "--allow-empty", "-m", `push ${i}`]);
        git(work, ["push", "-q", "origin", "HEAD"]);
      }
      const action = await waitFor(() => actions[0], { what: "a triggered cycle", timeoutMs: 10_000 });
      expect(Date.now() - pushedAt).toBeLessThan(10_000); // intervalMs is 10 minutes
      const details = action.details as { inputs: string[]; deleted: string[] };
      expect(details.inputs).toHaveLength(3);
      expect(details.deleted).toHaveLength(3);
      expect(details.inputs).not.toContain(plain); // not keep-first: waits for its 10-minute settle
      expect(readdirSync(rig.repo.packDir)).toContain(`pack-${plain}.pack`);
    } finally {
      process.kill(po, "SIGCONT");
    }
    expect(await exited).toBe(0);
    expect(git(bare, ["rev-parse", "refs/heads/main"])).toBe(git(work, ["rev-parse", "HEAD"]));
    fsckClean(bare);
  }, 60_000);
});
