/**
 * The torture against repacks gitmaint did not start: an external `git repack --cruft -d`, found through the ProcessTable (process.seen and the plugin's own poll). Same
 * assertions: exit 0, no protected pack touched, fsck clean, every push and object intact.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll } from "../helpers/fixtures.js";
import { stopAggRigs } from "../helpers/aggregate.js";
import { assertTorture, protectedAndDeleted, torture } from "../helpers/aggregate-torture.js";

afterEach(async () => {
  await stopAggRigs();
  await cleanupAll();
});

describe("aggregate-during-repack beside an external git repack", () => {
  it("external git repack --cruft -d under push + writers", async () => {
    const t = await torture({ kind: "external-repack", commits: 4_000, clients: 3 });
    console.log(`external repack ${t.repackMs} ms, pushes ${t.pushesDuring}, packs ${t.packsAtStart}/${t.maxDuring}/${t.packsAtEnd}, cycles ${protectedAndDeleted(t.journal).cycles}`);
    assertTorture(t);
    expect(protectedAndDeleted(t.journal).deleted.size).toBeGreaterThan(0);
  }, 150_000);

});
