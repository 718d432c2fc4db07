/**
 * Randomized: ≥ 200 trials mixing live writers, dead writers, stopped writers and locks; every
 * dead file reaped (and journaled), zero live files touched. The long version is
 * test/long/reaper-random.test.ts. Replay a failure with REAPER_SEED=<seed>.
 */
import { afterAll, describe, expect, it } from "vitest";
import { cleanupAll } from "../helpers/fixtures.js";
import { stopRigs } from "../helpers/reaper.js";
import { runRandomTrials } from "../helpers/reaper-random.js";

afterAll(async () => {
  await stopRigs();
  await cleanupAll();
});

describe("tmp-pack-reaper randomized", () => {
  it("200 trials: every dead file reaped, zero live files touched", async () => {
    const seed = Number(process.env["REAPER_SEED"] ?? Date.now() % 1_000_000);
    const report = await runRandomTrials(200, seed);
    expect(report.trials).toBeGreaterThanOrEqual(200);
    expect(report.dead).toBeGreaterThan(50);
    expect(report.live).toBeGreaterThan(50);
  });
});
