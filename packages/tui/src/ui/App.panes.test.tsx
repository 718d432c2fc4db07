import { afterEach, describe, expect, it } from "vitest";
import {
  fakeEngine,
  frameUntil,
  pluginInfo,
  renderTerminal,
  repository,
  stats,
  type FakeEngine,
  type TerminalRender,
} from "../../../../test/helpers/tui.js";
import { App } from "./App.js";

const alpha = repository("alpha");
const beta = repository("beta");
let term: TerminalRender | undefined;

afterEach(() => {
  term?.unmount();
  term = undefined;
});

function start(engine: FakeEngine): TerminalRender {
  term = renderTerminal(<App engine={engine} onQuit={() => {}} flushMs={5} tickMs={50} statusIntervalMs={60_000} />);
  return term;
}

function lineWith(frame: string, text: string): string {
  return frame.split("\n").find((l) => l.includes(text)) ?? "";
}

function engineWithTwoRepos(): FakeEngine {
  return fakeEngine([alpha, beta], [pluginInfo("tmp-pack-reaper"), pluginInfo("cruft-writer")]);
}

describe("Repositories pane", () => {
  it("shows packs, loose, tmp, cruft, health with its reason and a pack-count sparkline from repo.stats", async () => {
    const engine = engineWithTwoRepos();
    const t = start(engine);
    await frameUntil(t, (f) => f.includes("alpha "), "the repositories");
    for (const packs of [2, 4, 8]) engine.emit("repo.stats", { repo: alpha.id, stats: stats({ packs, looseObjects: 512, cruftPacks: 1 }) });
    let f = await frameUntil(t, (f) => /alpha\s+8\s/.test(f), "8 packs");
    expect(lineWith(f, "alpha")).toMatch(/alpha\s+8\s+~512\s+0\s+1\s+never\s+ok\s+▁▂▄█/);
    engine.emit("repo.stats", { repo: alpha.id, stats: stats({ packs: 12, tmpFiles: 2, tmpBytes: 3 * 1024 * 1024, cruftPacks: 1 }) });
    engine.emit("action", { repo: alpha.id, plugin: "cruft-writer", kind: "repacked", message: "full repack" });
    f = await frameUntil(t, (f) => /alpha\s+12\s/.test(f), "12 packs");
    expect(lineWith(f, ">alpha")).toMatch(/2 3\.0M\s+1\s+(just now|\ds)\s+fair/);
    expect(f).toContain("fair: 12 packs; 2 tmp files (3.0M)");
  });
});

describe("Plugins pane", () => {
  it("shows state, failures, next run and last action; a failed plugin shows why", async () => {
    const engine = engineWithTwoRepos();
    engine.pluginList = [pluginInfo("tmp-pack-reaper", { nextRunAt: Date.now() + 90_000 }), pluginInfo("cruft-writer")];
    const t = start(engine);
    await frameUntil(t, (f) => f.includes("tmp-pack-reaper"), "plugins");
    engine.emit("action", { repo: alpha.id, plugin: "tmp-pack-reaper", kind: "reaped", message: "reaped 3 files, 2.1G" });
    engine.pluginList = [{ ...engine.pluginList[0]!, state: "busy" }, engine.pluginList[1]!];
    engine.emit("plugin.state", { plugin: "tmp-pack-reaper", state: "busy", failures: 0 });
    let f = await frameUntil(t, (f) => lineWith(f, ">tmp-pack-reaper").includes("busy"), "busy");
    expect(lineWith(f, ">tmp-pack-reaper")).toMatch(/busy\s+0 in 1m\s+(just now|\ds ago) reaped 3 files, 2\.1G/);
    engine.pluginList = [engine.pluginList[0]!, pluginInfo("cruft-writer", { state: "failed", message: "repack died", failures: 2, totalFailures: 5 })];
    f = await frameUntil(t, (f) => lineWith(f, " cruft-writer").includes("failed"), "failed");
    expect(lineWith(f, " cruft-writer")).toMatch(/failed\s+2\/5 -?\s*.*! repack died/);
  });
});

describe("Git processes pane", () => {
  it("shows a run with elapsed time and a progress bar, then drops it when it finishes", async () => {
    const engine = engineWithTwoRepos();
    const t = start(engine);
    await frameUntil(t, (f) => f.includes("(no git processes)"), "empty pane");
    const startedAt = Date.now() - 65_000;
    engine.runs = [{ runId: 3, pid: 4321, argv: ["git", "repack", "-a", "-d"], owner: "cruft-writer", repo: alpha.id, startedAt }];
    engine.emit("git.started", { repo: alpha.id, at: startedAt, runId: 3, pid: 4321, argv: ["git", "repack", "-a", "-d"], owner: "cruft-writer" });
    engine.emit("git.progress", { repo: alpha.id, runId: 3, pid: 4321, owner: "cruft-writer", phase: "Writing objects", percent: 50, done: 5, total: 10 });
    const f = await frameUntil(t, (f) => f.includes("Writing"), "progress");
    expect(lineWith(f, "4321")).toMatch(/4321 cruft-writer\s+1m0\ds repack -a -d\s+Writing o… ████░░░░\s+50%/);
    expect(f).toContain("1 git");
    engine.emit("process.seen", { repo: alpha.id, pid: 999, startTime: Date.now(), argv: ["git", "gc", "--auto"], role: "gc" });
    await frameUntil(t, (f) => lineWith(f, " 999 ").includes("external gc"), "external process");
    engine.runs = [];
    engine.emit("git.finished", {
      repo: alpha.id, runId: 3, pid: 4321, argv: ["git", "repack", "-a", "-d"], owner: "cruft-writer",
      exitCode: 0, signal: undefined, durationMs: 65_000, ok: true, timedOut: false, aborted: false, cleaned: [], kept: [],
    });
    await frameUntil(t, (f) => !f.includes("4321"), "run gone");
  });
});

describe("Activity", () => {
  it("prints actions and logs once, above the panes, and re-prints the matching ones under a filter", async () => {
    const engine = engineWithTwoRepos();
    const t = start(engine);
    await frameUntil(t, (f) => f.includes("alpha "), "start");
    engine.emit("action", { repo: alpha.id, plugin: "tmp-pack-reaper", kind: "reaped", message: "reaped 1 file, 4.0K" });
    engine.emit("action", { repo: beta.id, plugin: "cruft-writer", kind: "repacked", message: "repacked beta into 1 pack" });
    engine.emit("log", { plugin: "cruft-writer", repo: beta.id, level: "warn", message: "disk is slow" });
    let f = await frameUntil(t, (f) => f.includes("disk is slow"), "activity");
    const activity = f.split("\n").slice(0, 3);
    expect(activity[0]).toMatch(/^\d\d:\d\d:\d\d tmp-pack-reaper\s+alpha\s+reaped 1 file, 4\.0K/);
    expect(activity[1]).toMatch(/cruft-writer\s+beta\s+repacked beta into 1 pack/);
    expect(activity[2]).toMatch(/warn: disk is slow/);
    expect(f.split("\n")[3]).toMatch(/^gitmaint · 2 repos/);
    await t.press("/", ..."repo:alpha", "\r");
    f = await frameUntil(t, (f) => f.includes("── filter: repo:alpha (last 1 matching) ──"), "filter header");
    const after = f.slice(f.indexOf("── filter: repo:alpha"), f.indexOf("gitmaint ·"));
    expect(after).toContain("reaped 1 file");
    expect(after).not.toContain("repacked beta");
    expect(f).toContain("filter: repo:alpha");
  });
});
