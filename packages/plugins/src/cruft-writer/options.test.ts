import { describe, expect, it } from "vitest";
import { validateOptions } from "@gitmaint/core";
import cruftWriter from "./index.js";
import { graceMs, MIN_GRACE_MS, optionsSchema } from "./options.js";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

describe("grace option", () => {
  it.each([
    ["2.weeks.ago", 14 * DAY],
    ["3.days.ago", 3 * DAY],
    ["3 days ago", 3 * DAY],
    ["1.week.2.days.ago", 9 * DAY],
    ["36.hours", 36 * HOUR],
    ["2_Weeks_Ago", 14 * DAY],
    ["1.hour.ago", HOUR],
  ])("accepts the relative approxidate %s (%d ms)", (grace, ms) => {
    expect(graceMs(grace)).toBe(ms);
    expect(optionsSchema.parse({ grace }).grace).toBe(grace); // passed to git unchanged
  });

  it("defaults to 2.weeks.ago, which passes its own check", () => {
    expect(optionsSchema.parse({}).grace).toBe("2.weeks.ago");
  });

  it.each(["now", "all", "never", "NOW", "0.seconds.ago", "59.minutes.ago", "3599.seconds.ago", "2024-01-01", "yesterday", "weeks.ago", "1.5.days.ago", "-3.days.ago", "2.fortnights.ago", "  "])(
    "refuses %j with one line naming plugins.cruft-writer.grace",
    (grace) => {
      let message = "";
      try {
        validateOptions(cruftWriter, { grace }, "gitmaint.yaml");
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^plugin cruft-writer: gitmaint\.yaml: invalid value at "plugins\.cruft-writer\.grace": /);
      expect(message).not.toContain("\n");
    },
  );

  it("says why: not a grace, or below the 1-hour floor", () => {
    expect(() => validateOptions(cruftWriter, { grace: "now" })).toThrow(/"now" is not a grace period: use a relative git approxidate/);
    expect(() => validateOptions(cruftWriter, { grace: "30.minutes.ago" })).toThrow(/shorter than the 1-hour minimum/);
    expect(graceMs("59.minutes.ago")).toBeLessThan(MIN_GRACE_MS);
  });
});
