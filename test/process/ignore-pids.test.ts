/**
 * `LivenessOptions.ignorePids` with `{ pid, startTicks }`: a process is ignored only while its
 * pid still has that start time, so a live process whose start time differs (the pid was reused)
 * still counts as a holder.
 */
import { closeSync, mkdirSync, openSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ProcessTable } from "@gitmaint/core";
import { cleanupAll, makeRepo, repoOf, spawnTracked } from "../helpers/fixtures.js";
import { entryFor } from "./entry.js";

afterEach(cleanupAll);

const table = new ProcessTable();
const DEAD = { dead: true, reason: "dead: no holder, no possible writer" };

describe("liveness: ignorePids with start ticks", () => {
  it("ignores a holder only when its start ticks match", async () => {
    const repo = repoOf(makeRepo());
    const path = join(repo.objectsDir, "pack", "tmp_pack_reused");
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, "x");
    const hourAgo = (Date.now() - 3_600_000) / 1000;
    utimesSync(path, hourAgo, hourAgo);
    const fd = openSync(path, "r");
    let child;
    try {
      child = spawnTracked("sleep", ["600"], { stdio: [fd, "ignore", "ignore"] });
    } finally {
      closeSync(fd);
    }
    const pid = child.pid!;
    const ticks = table.startTicksOf(pid);
    expect(ticks).toBeTypeOf("number");
    const entry = entryFor(path, repo.commonDir, "tmp-pack");
    const held = { dead: false, reason: `held open by pid ${pid} (sleep)` };

    // Another process once had this pid (its start time differs): the live holder still counts.
    expect(await table.liveness(repo, entry, { ignorePids: [{ pid, startTicks: ticks! - 1 }] })).toEqual(held);
    expect(await table.liveness(repo, entry, { ignorePids: [{ pid, startTicks: ticks! + 1000 }] })).toEqual(held);
    // The very process: ignored. A bare number still ignores by pid (compatibility).
    expect(await table.liveness(repo, entry, { ignorePids: [{ pid, startTicks: ticks! }] })).toEqual(DEAD);
    expect(await table.liveness(repo, entry, { ignorePids: [pid] })).toEqual(DEAD);
  });
});
