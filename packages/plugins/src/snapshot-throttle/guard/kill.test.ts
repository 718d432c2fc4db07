import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { ProcessTable } from "@gitmaint/core";
import { killVerified } from "./kill.js";

const procs = new ProcessTable();
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

function sleeper(ignoreTerm = false): number {
  const script = ignoreTerm ? "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)" : "setInterval(() => {}, 1000)";
  const child = spawn(process.execPath, ["-e", script], { stdio: "ignore" });
  started.push(child.pid!);
  return child.pid!;
}

async function ready(pid: number): Promise<number> {
  for (;;) {
    const t = procs.startTicksOf(pid);
    if (t !== undefined) return t;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("killVerified", () => {
  it("never signals a pid whose start time differs (pid reuse)", async () => {
    const pid = sleeper();
    const ticks = await ready(pid);
    const out = await killVerified(procs, { pid, startTicks: ticks + 1, state: "S" }, 100);
    expect(out.signal).toBeUndefined();
    expect(procs.isAlive(pid)).toBe(true);
  });

  it("SIGTERM ends a normal process; SIGKILL one that ignores it; a stopped one gets SIGCONT", async () => {
    const a = sleeper();
    await new Promise((r) => setTimeout(r, 200));
    expect(await killVerified(procs, { pid: a, startTicks: await ready(a), state: "S" }, 2000)).toEqual({ signal: "SIGTERM", dead: true });
    const b = sleeper(true);
    await new Promise((r) => setTimeout(r, 300)); // let it install the handler
    expect(await killVerified(procs, { pid: b, startTicks: await ready(b), state: "S" }, 200)).toEqual({ signal: "SIGKILL", dead: true });
    const c = sleeper();
    await ready(c);
    process.kill(c, "SIGSTOP");
    expect(await killVerified(procs, { pid: c, startTicks: await ready(c), state: "T" }, 2000)).toEqual({ signal: "SIGTERM", dead: true });
  });
});
