import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FakeStdin, FakeStdout, fakeEngine, pluginInfo, repository, stripAnsi } from "../../../../test/helpers/tui.js";
import { NON_TTY_MESSAGE, runTui, type RunTuiOptions } from "./runTui.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function streams(): { stdout: FakeStdout; stdin: FakeStdin; stderr: FakeStdout; options: RunTuiOptions } {
  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  const stderr = new FakeStdout();
  stderr.isTTY = false;
  return {
    stdout,
    stdin,
    stderr,
    options: {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
      env: {},
      handleSignals: false,
    },
  };
}

function output(s: FakeStdout): string {
  return stripAnsi(s.frames.join(""));
}

async function until(pred: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("runTui", () => {
  it("refuses a non-terminal with exit 2, points to `gitmaint run`, and shuts the engine down", async () => {
    const engine = fakeEngine([repository("alpha")], []);
    const s = streams();
    s.stdout.isTTY = false;
    expect(await runTui(engine, s.options)).toBe(2);
    expect(s.stderr.frames.join("")).toBe(NON_TTY_MESSAGE);
    expect(NON_TTY_MESSAGE).toContain("use `gitmaint run` for headless operation");
    expect(s.stdout.frames).toEqual([]);
    expect(engine.calls.shutdown).toBe(1);
  });

  it("q shuts the engine down and resolves 0; console output goes to the Activity stream, not the screen", async () => {
    const engine = fakeEngine([repository("alpha")], [pluginInfo("tmp-pack-reaper")]);
    const s = streams();
    const done = runTui(engine, s.options);
    await until(() => output(s.stdout).includes("tmp-pack-reaper"), "first frame");
    console.log("a plugin printing %d things", 3);
    await until(() => output(s.stdout).includes("a plugin printing 3 things"), "captured console line");
    // it arrived as a log event, rendered by Ink (after its time/plugin/repo prefix), never raw
    expect(s.stdout.frames.some((f) => f.startsWith("a plugin printing"))).toBe(false);
    s.stdin.write("q");
    expect(await done).toBe(0);
    expect(engine.calls.shutdown).toBe(1);
    expect(console.log).not.toBeUndefined();
    expect(String(console.log)).not.toContain("emit(");
  });

  it("mirrors every log and action (debug included) to --log-file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gitmaint-tui-"));
    dirs.push(dir);
    const logFile = join(dir, "tui.log");
    const repo = repository("alpha");
    const engine = fakeEngine([repo], []);
    const s = streams();
    const done = runTui(engine, { ...s.options, logFile });
    await until(() => output(s.stdout).includes("alpha"), "first frame");
    engine.emit("log", { level: "debug", plugin: "p", message: "a debug line" });
    engine.emit("action", { repo: repo.id, plugin: "tmp-pack-reaper", kind: "reaped", message: "reaped 1 file", paths: ["objects/pack/tmp_pack_1"] });
    s.stdin.write("q");
    expect(await done).toBe(0);
    const log = readFileSync(logFile, "utf8");
    expect(log).toMatch(/debug p - a debug line/);
    expect(log).toContain(`reaped tmp-pack-reaper ${repo.id} reaped 1 file [objects/pack/tmp_pack_1]`);
  });

  it("SIGTERM takes the same clean path as q", async () => {
    const engine = fakeEngine([repository("alpha")], []);
    const s = streams();
    const before = process.listenerCount("SIGTERM");
    const done = runTui(engine, { ...s.options, handleSignals: true });
    await until(() => output(s.stdout).includes("alpha"), "first frame");
    process.emit("SIGTERM", "SIGTERM");
    expect(await done).toBe(0);
    expect(engine.calls.shutdown).toBe(1);
    expect(process.listenerCount("SIGTERM")).toBe(before);
  });

  it("a failing shutdown exits 1 and says why after releasing the screen", async () => {
    const engine = fakeEngine([repository("alpha")], []);
    engine.shutdown = () => Promise.reject(new Error("plugin cruft-writer did not stop"));
    const s = streams();
    const done = runTui(engine, s.options);
    await until(() => output(s.stdout).includes("alpha"), "first frame");
    s.stdin.write("q");
    expect(await done).toBe(1);
    expect(s.stderr.frames.join("")).toContain("gitmaint tui: shutdown failed: plugin cruft-writer did not stop");
  });
});
