import { describe, expect, it } from "vitest";
import { formatLine, MAX_LINE_BYTES, parseLine } from "./lines.js";

describe("journal lines", () => {
  it("round-trips an entry and rejects malformed lines", () => {
    const e = { at: 1, repo: "/r", plugin: "p", op: "delete" as const, reason: "x" };
    expect(parseLine(formatLine(e))).toEqual(e);
    for (const bad of ["", "{", "[1]", "null", '{"at":"1","repo":"/r","op":"x"}', '{"at":1,"op":"x"}', "garbage"]) {
      expect(parseLine(bad)).toBeUndefined();
    }
  });

  it("keeps a line under MAX_LINE_BYTES by dropping oversized details", () => {
    const line = formatLine({ at: 1, repo: "/r", plugin: "p", op: "note", reason: "r", details: { big: "x".repeat(MAX_LINE_BYTES) } });
    expect(Buffer.byteLength(line)).toBeLessThan(1000);
    expect(parseLine(line)?.details).toMatchObject({ truncated: true });
  });
});
