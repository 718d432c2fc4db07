/**
 * Long randomized reaper run: 2,000 trials x GITMAINT_LONG (default 1), same checks as
 * test/reaper/random.test.ts. `npm run test:long` (SIZE=N scales it).
 */
import { afterAll, describe, expect, it } from "vitest";
import { cleanupAll } from "../helpers/fixtures.js";
import { stopRigs } from "../helpers/reaper.js";
import { runRandomTrials } from "../helpers/reaper-random.js";

afterAll(async () => {
  await stopRigs();
  await cleanupAll();
});

describe("tmp-pack-reaper randomized (long)", () => {
  it("every dead file reaped, zero live files touched", async () => {
    const size = Math.max(1, Number(process.env["GITMAINT_LONG"] ?? 1) || 1);
    const trials = 2000 * size;
    const seed = Number(process.env["REAPER_SEED"] ?? Date.now() % 1_000_000);
    const report = await runRandomTrials(trials, seed, 60);
    console.log(`reaper-random: seed ${seed}, ${report.trials} trials in ${report.rounds} rounds, ${report.dead} dead, ${report.live} live`, report.byKind);
    expect(report.trials).toBe(trials);
  });
});
