import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bootTimeMs, parseAuxvClockTicks, parseBtime, parseProcStat, PF_KTHREAD, splitNul } from "./procfs.js";

/** Fields 3..52 of a stat line; field 4 = ppid, 9 = flags, 22 = starttime. */
function statLine(pid: number, comm: string, fields: Record<number, string> = {}): string {
  const rest: string[] = [];
  for (let f = 3; f <= 52; f++) rest.push(fields[f] ?? (f === 3 ? "S" : "0"));
  return `${pid} (${comm}) ${rest.join(" ")}\n`;
}

describe("parseProcStat", () => {
  it("splits after the last ')' so comm may contain spaces and ') ('", () => {
    const line = statLine(4242, "evil ) (R 1 2 x", { 3: "T", 4: "77", 9: String(PF_KTHREAD), 22: "123456" });
    expect(parseProcStat(line)).toEqual({ pid: 4242, comm: "evil ) (R 1 2 x", state: "T", ppid: 77, flags: PF_KTHREAD, startTicks: 123456 });
  });

  it("parses our own real stat line", () => {
    const own = parseProcStat(readFileSync("/proc/self/stat", "utf8"));
    expect(own?.pid).toBe(process.pid);
    expect(own?.ppid).toBe(process.ppid);
    expect(own?.state).toBe("R");
    expect(own?.startTicks).toBeGreaterThan(0);
  });

  it("agrees with a plain split of every real stat line on this machine", () => {
    const reference = (line: string) => {
      const close = line.lastIndexOf(")");
      const rest = line.slice(close + 1).trim().split(/\s+/);
      return { state: rest[0], ppid: Number(rest[1]), flags: Number(rest[6]), startTicks: Number(rest[19]) };
    };
    let compared = 0;
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      let line: string;
      try {
        line = readFileSync(`/proc/${name}/stat`, "utf8");
      } catch {
        continue; // exited meanwhile
      }
      expect(parseProcStat(line)).toMatchObject({ pid: Number(name), ...reference(line) });
      compared++;
    }
    expect(compared).toBeGreaterThan(1);
  });

  it("rejects malformed lines", () => {
    expect(parseProcStat("")).toBeUndefined();
    expect(parseProcStat("12 (x) S 1 2")).toBeUndefined();
    expect(parseProcStat("12 x) S")).toBeUndefined();
  });
});

describe("boot time and clock ticks", () => {
  it("reads btime from /proc/stat text", () => {
    expect(parseBtime("cpu  1 2 3\nbtime 1700000000\nprocesses 5\n")).toBe(1_700_000_000_000);
    expect(parseBtime("cpu 1\n")).toBeUndefined();
  });

  it("gives a plausible real boot time", () => {
    const boot = bootTimeMs();
    expect(boot).toBeLessThan(Date.now());
    expect(boot).toBeGreaterThan(Date.parse("2000-01-01"));
    expect(bootTimeMs("/nonexistent")).toBeUndefined();
  });

  it("finds AT_CLKTCK in an auxv vector (64- and 32-bit, both byte orders)", () => {
    const le64 = Buffer.alloc(48);
    le64.writeBigUInt64LE(6n, 0); // AT_PAGESZ
    le64.writeBigUInt64LE(4096n, 8);
    le64.writeBigUInt64LE(17n, 16); // AT_CLKTCK
    le64.writeBigUInt64LE(250n, 24);
    expect(parseAuxvClockTicks(le64, 8, true)).toBe(250);
    const be32 = Buffer.alloc(16);
    be32.writeUInt32BE(17, 0);
    be32.writeUInt32BE(100, 4);
    expect(parseAuxvClockTicks(be32, 4, false)).toBe(100);
    expect(parseAuxvClockTicks(Buffer.alloc(16), 8, true)).toBeUndefined();
  });
});

describe("splitNul", () => {
  it("splits cmdline/environ blocks", () => {
    expect(splitNul("git\0-C\0a b\0repack\0")).toEqual(["git", "-C", "a b", "repack"]);
    expect(splitNul("")).toEqual([]);
    expect(splitNul("x\0\0y\0")).toEqual(["x", "", "y"]);
  });
});
