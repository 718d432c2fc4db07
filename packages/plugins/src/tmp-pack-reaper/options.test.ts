import { describe, expect, it } from "vitest";
import { defaultReaperOptions, reaperOptionsSchema } from "./options.js";

describe("reaperOptionsSchema", () => {
  it("applies every default", () => {
    expect(defaultReaperOptions()).toEqual({
      minAgeMs: { tmp: 120_000, lock: 900_000, refLock: 3_600_000 },
      transferKeepForeignHostMaxAgeMs: 7 * 86_400_000,
      sweepIntervalMs: 300_000,
      networkFsMinAgeMs: 86_400_000,
      slackMs: 5000,
    });
  });
  it("fills missing groups of a partial minAgeMs", () => {
    expect(reaperOptionsSchema.parse({ minAgeMs: { tmp: 0 } }).minAgeMs).toEqual({ tmp: 0, lock: 900_000, refLock: 3_600_000 });
  });
  it("rejects unknown keys and negative ages", () => {
    expect(reaperOptionsSchema.safeParse({ minAge: 5 }).success).toBe(false);
    expect(reaperOptionsSchema.safeParse({ minAgeMs: { tmps: 5 } }).success).toBe(false);
    expect(reaperOptionsSchema.safeParse({ slackMs: -1 }).success).toBe(false);
    expect(reaperOptionsSchema.safeParse({ sweepIntervalMs: 0 }).success).toBe(false);
  });
});
