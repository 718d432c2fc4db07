import { describe, expect, it } from "vitest";
import { wrapLine, ago, bytes, cell, clip, duration, progressBar, rcell, sanitize, shortArgv, sparkline, until } from "./format.js";

describe("format", () => {
  it("sizes and durations are compact", () => {
    expect([bytes(0), bytes(512), bytes(1536), bytes(2.1 * 1024 ** 3), bytes(-1)]).toEqual(["0B", "512B", "1.5K", "2.1G", "?"]);
    expect([duration(0), duration(42_000), duration(185_000), duration(2 * 3600_000 + 7 * 60_000), duration(3 * 86400_000)]).toEqual([
      "0s",
      "42s",
      "3m05s",
      "2h07m",
      "3d00h",
    ]);
    expect(ago(undefined, 1000)).toBe("never");
    expect(ago(1000, 1500)).toBe("just now");
    expect(ago(0, 185_000)).toBe("3m ago");
    expect(until(undefined, 0)).toBe("-");
    expect(until(0, 10)).toBe("due");
    expect(until(500, 0)).toBe("in 1s");
    expect(until(42_000, 0)).toBe("in 42s");
  });

  it("cells are exactly their width and never carry control characters", () => {
    expect(cell("abc", 5)).toBe("abc  ");
    expect(cell("abcdef", 4)).toBe("abc…");
    expect(rcell("7", 3)).toBe("  7");
    expect(clip("abcdef", 3)).toBe("ab…");
    expect(sanitize("a\u001b[2Jb\tc\nd")).toBe("a [2Jb c d");
    expect(cell("x\u001b[31m", 10)).not.toContain("\u001b");
  });

  it("sparklines scale between min and max; progress bars fill by percent", () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8)).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([5, 5], 4)).toBe("▁▁  ");
    expect(sparkline([], 3)).toBe("   ");
    expect(sparkline([1, 2, 3, 4], 2)).toBe("▁█");
    expect(progressBar(50, 8)).toBe("████░░░░");
    expect(progressBar(undefined, 3)).toBe("···");
    expect(progressBar(250, 4)).toBe("████");
  });

  it("wrapLine wraps at words, keeps the indent, and never exceeds the width", () => {
    expect(wrapLine("short", 10)).toEqual(["short"]);
    expect(wrapLine("  alpha beta gamma delta", 12)).toEqual(["  alpha beta", "  gamma", "  delta"]);
    const long = wrapLine("x".repeat(25), 10);
    expect(long).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
    for (const l of wrapLine("word ".repeat(50), 17)) expect(l.length).toBeLessThanOrEqual(17);
  });

  it("shortArgv drops git and leading -c pairs", () => {
    expect(shortArgv(["git", "-c", "pack.threads=1", "repack", "-a", "-d"])).toBe("repack -a -d");
    expect(shortArgv(["/usr/bin/git", "gc"])).toBe("gc");
  });
});
