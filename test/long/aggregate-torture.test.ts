/**
 * aggregate-during-repack, sized by GITMAINT_LONG (default 1): the torture against cruft-writer's
 * full repack, an external `git repack --cruft -d` and `git gc`, with a bigger repository, and
 * ≥ 20 × GITMAINT_LONG random SIGKILL trials.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll } from "../helpers/fixtures.js";
import { stopAggRigs } from "../helpers/aggregate.js";
import { killTrial } from "../helpers/aggregate-kill.js";
import { assertTorture, protectedAndDeleted, torture, type RepackKind } from "../helpers/aggregate-torture.js";

const SIZE = Math.max(1, Number(process.env["GITMAINT_LONG"] ?? 1));

afterEach(async () => {
  await stopAggRigs();
  await cleanupAll();
});

describe(`aggregate-during-repack long (GITMAINT_LONG=${SIZE})`, () => {
  for (const kind of ["cruft-writer", "external-repack", "external-gc"] as RepackKind[]) {
    it(`torture: ${kind}`, async () => {
      const t = await torture({ kind, commits: 4_000 * SIZE, clients: 4, window: 100 });
      console.log(`${kind}: repack ${t.repackMs} ms, pushes ${t.pushesDuring}, packs ${t.packsAtStart}/${t.maxDuring}/${t.packsAtEnd}, cycles ${protectedAndDeleted(t.journal).cycles}`);
      assertTorture(t);
      // bounded: without the plugin every push during the repack leaves a pack (and the fast-import
      // writers add more), so the count would reach at least start + pushes
      expect(t.maxDuring).toBeLessThan(t.packsAtStart + t.pushesDuring);
    });
  }

  it(`${20 * SIZE} random SIGKILLs mid-pass`, async () => {
    for (let seed = 1; seed <= 20 * SIZE; seed++) {
      const t = await killTrial(seed * 31);
      expect(t.problems, `trial ${seed}`).toEqual([]);
    }
  });
});
