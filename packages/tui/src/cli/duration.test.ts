import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["7d", 604_800_000],
    ["1.5s", 1500],
    ["250", 250],
  ])("%s", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it("rejects garbage with a message naming the value", () => {
    expect(() => parseDuration("soon", "--min-age")).toThrow(/invalid --min-age "soon"/);
  });
});
