/**
 * The torture against repacks gitmaint did not start: an external `git gc`, found through the ProcessTable (process.seen and the plugin's own poll). Same
 * assertions: exit 0, no protected pack touched, fsck clean, every push and object intact.
 */
import { afterEach, describe, it } from "vitest";
import { cleanupAll } from "../helpers/fixtures.js";
import { stopAggRigs } from "../helpers/aggregate.js";
import { assertTorture, protectedAndDeleted, torture } from "../helpers/aggregate-torture.js";

afterEach(async () => {
  await stopAggRigs();
  await cleanupAll();
});

describe("aggregate-during-repack beside an external git gc", () => {
  it("external git gc under push + writers", async () => {
    const t = await torture({ kind: "external-gc", commits: 4_000, clients: 3 });
    console.log(`external gc ${t.repackMs} ms, pushes ${t.pushesDuring}, packs ${t.packsAtStart}/${t.maxDuring}/${t.packsAtEnd}, cycles ${protectedAndDeleted(t.journal).cycles}`);
    assertTorture(t);
  }, 150_000);
});
