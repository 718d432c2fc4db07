/** ProcessTable scans against real processes: fields, descriptors, vanishing processes, envOf, zombies. */
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, symlinkSync, openSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseProcStat, ProcessTable } from "@gitmaint/core";
import { cleanupAll, spawnTracked, tempDir, waitFor } from "../helpers/fixtures.js";

afterEach(cleanupAll);

const table = new ProcessTable();

/** A `sleep` whose stdin is `path` (the parent's own descriptor is closed right away). */
function holdOpen(path: string) {
  const fd = openSync(path, "r");
  try {
    return spawnTracked("sleep", ["600"], { stdio: [fd, "ignore", "ignore"] });
  } finally {
    closeSync(fd);
  }
}

describe("ProcessTable.scan sharing (maxAgeMs)", () => {
  it("reuses a recent scan only when asked, and never a scan without fds for one with fds", async () => {
    const t = new ProcessTable();
    const a = await t.scan({ fds: false });
    expect(await t.scan({ fds: false, maxAgeMs: 60_000 })).toBe(a);
    expect(await t.scan({ fds: false })).not.toBe(a); // default: always fresh
    const child = spawnTracked("sleep", ["600"]);
    await waitFor(() => child.pid !== undefined);
    const withFds = await t.scan({ fds: true, maxAgeMs: 60_000 });
    expect(withFds.get(child.pid!)).toBeDefined(); // fresh: a scan without fds cannot serve it
    expect(await t.scan({ fds: false, maxAgeMs: 60_000 })).toBe(withFds); // one with fds serves both
    await new Promise((r) => setTimeout(r, 30));
    expect(await t.scan({ fds: false, maxAgeMs: 10 })).not.toBe(withFds); // too old
  });
});

describe("ProcessTable.scan", () => {
  it("sees our own process with pid, ppid, start time, argv and cwd", async () => {
    expect(table.supported).toBe(true);
    const snap = await table.scan();
    const self = snap.get(process.pid)!;
    expect(self.ppid).toBe(process.ppid);
    expect(self.argv.length).toBeGreaterThan(0);
    expect(self.cwd).toBe(process.cwd());
    expect(self.inspectable).toBe(true);
    const ticks = parseProcStat(readFileSync("/proc/self/stat", "utf8"))!.startTicks;
    expect(self.startTicks).toBe(ticks);
    expect(table.startTicksOf(process.pid)).toBe(ticks);
    // Started within the process's uptime (slack: btime has 1 s resolution).
    const started = Date.now() - process.uptime() * 1000;
    expect(Math.abs(self.startTime - started)).toBeLessThan(3000);
  });

  it("sees a child's argv (with spaces), comm, ppid, cwd and state", async () => {
    const dir = tempDir("cwd-");
    const child = spawnTracked("sleep", ["600"], { cwd: dir, stdio: "ignore" });
    // comm is the executed file's name: a symlink to sleep named with spaces and ") (".
    const oddPath = join(dir, "a ) (b x");
    symlinkSync(execFileSync("sh", ["-c", "command -v sleep"], { encoding: "utf8" }).trim(), oddPath);
    const odd = spawnTracked(oddPath, ["600"], { cwd: dir, stdio: "ignore" });
    const snap = await table.scan();
    expect(snap.get(child.pid!)).toMatchObject({ ppid: process.pid, comm: "sleep", argv: ["sleep", "600"], cwd: dir, inspectable: true });
    expect(snap.get(child.pid!)!.state).toMatch(/^[SR]$/);
    expect(snap.get(odd.pid!)).toMatchObject({ ppid: process.pid, comm: "a ) (b x", argv: [oddPath, "600"], cwd: dir });
    expect(snap.get(2 ** 22 + 11)).toBeUndefined();
  });

  it("a scan without fds reads no descriptors", async () => {
    const snap = await table.scan({ fds: false });
    expect(snap.fdCount).toBe(0);
    expect(snap.fdsOf(process.pid)).toEqual([]);
    expect(snap.processes.length).toBeGreaterThan(1);
  });

  it("finds the holder of a file, of a deleted file and of anything inside a directory", async () => {
    const dir = tempDir("holders-");
    mkdirSync(join(dir, "sub"));
    const file = join(dir, "sub", "tmp_pack_x");
    writeFileSync(file, "data");
    const child = holdOpen(file);
    const snap = await table.scan({ fds: true });
    expect(snap.fdsOf(child.pid!).map((f) => f.target)).toContain(file);
    expect(snap.holders(file).pids).toContain(child.pid);
    expect(snap.holders(dir).pids).toContain(child.pid);
    expect(snap.holders(`${dir}-other`).pids).not.toContain(child.pid);

    unlinkSync(file);
    const after = await table.scan({ fds: true });
    expect(after.fdsOf(child.pid!).map((f) => f.target)).toContain(`${file} (deleted)`);
    expect(after.holders(file).pids).toContain(child.pid);
  });

  it("survives processes vanishing mid-scan", async () => {
    let spawned = 0;
    let stop = false;
    const churn = (async () => {
      while (!stop) {
        const batch = Array.from({ length: 10 }, () => spawnTracked("sleep", ["5"], { stdio: "ignore" }));
        spawned += batch.length;
        await new Promise((r) => setTimeout(r, 2));
        for (const c of batch) c.kill("SIGKILL");
        await Promise.all(batch.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(0) : c.once("exit", r)))));
      }
    })();
    let scans = 0;
    try {
      const deadline = Date.now() + 1500;
      while (Date.now() < deadline || scans < 5) {
        const snap = await table.scan({ fds: scans % 2 === 0 });
        expect(snap.get(process.pid)).toBeDefined();
        snap.holders("/tmp");
        scans++;
      }
    } finally {
      stop = true;
      await churn;
    }
    expect(spawned).toBeGreaterThan(0);
    expect(scans).toBeGreaterThanOrEqual(5);
  });
});

describe("ProcessTable process queries", () => {
  it("isAlive: live, SIGSTOPped, dead, zombie, invalid", async () => {
    const child = spawnTracked("sleep", ["600"], { stdio: "ignore" });
    expect(table.isAlive(child.pid!)).toBe(true);
    process.kill(child.pid!, "SIGSTOP");
    await waitFor(async () => (await table.scan()).get(child.pid!)?.state === "T", { what: "stopped state" });
    expect(table.isAlive(child.pid!)).toBe(true);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(table.isAlive(child.pid!)).toBe(false);
    expect(table.startTicksOf(child.pid!)).toBeUndefined();
    expect(table.isAlive(0)).toBe(false);
    expect(table.isAlive(-1)).toBe(false);

    // A forked child whose parent never waits for it stays a zombie.
    const script = "import os,sys,time\npid=os.fork()\nif pid==0: os._exit(0)\nprint(pid,flush=True)\ntime.sleep(600)";
    const parent = spawnTracked("python3", ["-c", script], { stdio: ["ignore", "pipe", "ignore"] });
    const zombie = Number(await new Promise<string>((r) => parent.stdout!.once("data", (d: Buffer) => r(d.toString()))));
    await waitFor(async () => (await table.scan()).get(zombie)?.state === "Z", { what: "zombie" });
    expect(() => process.kill(zombie, 0)).not.toThrow();
    expect(table.isAlive(zombie)).toBe(false);
  });

  it("envOf reads a process's environment", () => {
    const child = spawnTracked("sleep", ["600"], { stdio: "ignore", env: { ...process.env, GITMAINT_PROBE: "a=b c" } });
    expect(table.envOf(child.pid!, "GITMAINT_PROBE")).toBe("a=b c");
    expect(table.envOf(child.pid!, "GITMAINT_NOPE")).toBeUndefined();
    expect(table.envOf(2 ** 22 + 7, "PATH")).toBeUndefined();
  });

  it("keeps a registry of owned children, alive only", async () => {
    const t = new ProcessTable();
    const child = spawnTracked("sleep", ["600"], { stdio: "ignore" });
    const owned = { pid: child.pid!, runId: 1, owner: "test", repo: undefined, argv: ["sleep"], startedAt: Date.now() };
    t.registerChild(owned);
    t.registerChild({ ...owned, pid: 2 ** 22 + 9, runId: 2 });
    expect(t.ownedChildren()).toEqual([owned]);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(t.ownedChildren()).toEqual([]);
    t.unregisterChild(owned.pid);
    t.unregisterChild(2 ** 22 + 9);
    expect(t.ownedChildren()).toEqual([]);
  });
});

describe("without /proc", () => {
  it("is unsupported, scans empty, and says so", async () => {
    const t = new ProcessTable({ procRoot: join(tempDir("noproc-"), "proc") });
    expect(t.supported).toBe(false);
    expect(t.unsupportedReason).toBe("no /proc: cannot prove");
    const snap = await t.scan({ fds: true });
    expect(snap.processes).toEqual([]);
    expect(t.isAlive(process.pid)).toBe(true);
    expect(t.startTicksOf(process.pid)).toBeUndefined();
    expect(t.envOf(process.pid, "PATH")).toBeUndefined();
  });
});
