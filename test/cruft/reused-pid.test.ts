/**
 * The in-flight record of a killed gitmaint names a pid that now belongs to an unrelated live
 * process: the next run must not ignore that process in the liveness proof — a file it holds
 * open is kept, never cleaned as the dead step's leftover.
 */
import { closeSync, existsSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StateStore } from "@gitmaint/core";
import { cleanupAll, spawnTracked } from "../helpers/fixtures.js";
import { generateRepo, startCruft, stopCruftRigs } from "../helpers/cruft.js";

afterEach(async () => {
  await stopCruftRigs();
  await cleanupAll();
});

describe("cruft-writer: previous run's pid reused", () => {
  it("a leftover held open by the process that reused the recorded pid is kept", async () => {
    const path = generateRepo({ commits: 3, filesPerCommit: 2, bare: true });
    const rig = await startCruft(path);
    const startedAt = Date.now() - 60_000; // the killed step started a minute ago
    const file = join(rig.repo.packDir, "tmp_pack_reused");
    writeFileSync(file, "partial pack");
    const fd = openSync(file, "r");
    let holder;
    try {
      // Not git and started long after the step: the recorded pid was reused by this process.
      holder = spawnTracked("sleep", ["600"], { stdio: [fd, "ignore", "ignore"] });
    } finally {
      closeSync(fd);
    }
    await new StateStore({ dir: rig.stateDir, plugin: "cruft-writer" }).set(rig.repo.id, "inflight", {
      subcommand: "repack",
      argv: ["repack", "-d"],
      startedAt,
      pid: holder.pid,
    });

    const { data } = await rig.repack("full");
    expect(data.skipped).toBeUndefined();
    expect(data.cleanedLeftovers).not.toContain("objects/pack/tmp_pack_reused");
    expect(existsSync(file)).toBe(true);
    const note = (await rig.journal()).find((e) => e.op === "note" && /previous git repack never finished/.test(e.reason));
    const kept = (note?.details as { kept: { path: string; reason: string }[] } | undefined)?.kept ?? [];
    expect(kept).toContainEqual({ path: "objects/pack/tmp_pack_reused", reason: `held open by pid ${holder.pid} (sleep)` });
  });
});
