import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration } from "./format.js";

describe("formatDuration", () => {
  it.each([
    [850, "850ms"],
    [12_000, "12s"],
    [192_000, "3m12s"],
    [120_000, "2m"],
    [3_900_000, "1h5m"],
    [7 * 86_400_000, "7d"],
    [-5000, "-5s"],
  ])("%d ms", (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe("formatBytes", () => {
  it.each([
    [512, "512 B"],
    [1536, "1.5 KiB"],
    [12 * 1024 * 1024, "12.0 MiB"],
    [3 * 1024 ** 3, "3.0 GiB"],
  ])("%d bytes", (n, text) => expect(formatBytes(n)).toBe(text));
});
