import { describe, expect, it } from "vitest";
import { StderrCollector } from "./stderr.js";

describe("StderrCollector", () => {
  it("splits on \\r and \\n across chunk boundaries and keeps only \\n-ended lines", () => {
    const lines: string[] = [];
    const c = new StderrCollector((l) => lines.push(l));
    c.push("Counting objects:  5");
    c.push("0% (1/2)\rCounting objects: 100% (2/2)\r");
    c.push("Counting objects: 100% (2/2), done.\nfatal: bad");
    c.push(" thing\n");
    c.end();
    expect(lines).toEqual([
      "Counting objects:  50% (1/2)",
      "Counting objects: 100% (2/2)",
      "Counting objects: 100% (2/2), done.",
      "fatal: bad thing",
    ]);
    expect(c.text).toBe("Counting objects: 100% (2/2), done.\nfatal: bad thing\n");
  });

  it("decodes multi-byte UTF-8 split between chunks", () => {
    const c = new StderrCollector(() => {});
    const bytes = Buffer.from("fatal: café\n");
    c.push(bytes.subarray(0, 10));
    c.push(bytes.subarray(10));
    c.end();
    expect(c.text).toBe("fatal: café\n");
  });

  it("keeps an unterminated last line and gitmaint's notes", () => {
    const lines: string[] = [];
    const c = new StderrCollector((l) => lines.push(l));
    c.push("error: no newline");
    expect(c.text).toBe("error: no newline");
    c.end();
    c.note("gitmaint: note");
    expect(lines).toEqual(["error: no newline"]);
    expect(c.text).toBe("error: no newline\ngitmaint: note\n");
  });

  it("keeps only the last `limit` characters, cut at a line start", () => {
    const c = new StderrCollector(() => {}, 100);
    for (let i = 0; i < 50; i++) c.push(`line ${i} ${"x".repeat(10)}\n`);
    expect(c.text.length).toBeLessThanOrEqual(100);
    expect(c.text.endsWith(`line 49 ${"x".repeat(10)}\n`)).toBe(true);
    expect(c.text.startsWith("line ")).toBe(true);
    // a huge unterminated line is bounded too
    c.push("y".repeat(1000));
    expect(c.text.length).toBeLessThanOrEqual(200);
  });
});
