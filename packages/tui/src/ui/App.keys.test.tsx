import { afterEach, describe, expect, it } from "vitest";
import {
  fakeEngine,
  frameUntil,
  KEY,
  pluginInfo,
  renderTerminal,
  repository,
  type FakeEngine,
  type TerminalRender,
} from "../../../../test/helpers/tui.js";
import { App } from "./App.js";
import { BINDINGS } from "./keys.js";

const alpha = repository("alpha");
const beta = repository("beta");
let term: TerminalRender | undefined;

afterEach(() => {
  term?.unmount();
  term = undefined;
});

async function start(onQuit: () => void = () => {}): Promise<{ engine: FakeEngine; t: TerminalRender }> {
  const engine = fakeEngine([alpha, beta], [pluginInfo("tmp-pack-reaper"), pluginInfo("cruft-writer")]);
  term = renderTerminal(<App engine={engine} onQuit={onQuit} flushMs={5} tickMs={50} statusIntervalMs={60_000} />);
  await frameUntil(term, (f) => f.includes("cruft-writer"), "first frame");
  return { engine, t: term };
}

async function waitFor(pred: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("keys drive the engine", () => {
  it("r runs the selected plugin on the selected repository", async () => {
    const { engine, t } = await start();
    engine.runResult = { summary: "reaped 2 files" };
    // select beta (repos pane), then cruft-writer (plugins pane)
    await t.press("j", KEY.tab, "j", "r");
    await waitFor(() => engine.calls.runPlugin.length === 1, "runPlugin");
    expect(engine.calls.runPlugin[0]).toEqual({ name: "cruft-writer", repoId: beta.id, options: { dryRun: false, trigger: "tui", args: {} } });
    await frameUntil(t, (f) => f.includes("run: cruft-writer on beta: reaped 2 files"), "result message");
  });

  it("keys arriving in one chunk (paste, tmux send-keys) act one by one", async () => {
    const { engine, t } = await start();
    await t.press("j\tjr");
    await waitFor(() => engine.calls.runPlugin.length === 1, "runPlugin");
    expect(engine.calls.runPlugin[0]).toMatchObject({ name: "cruft-writer", repoId: beta.id });
  });

  it("d dry-runs and shows what it would do, including the dry-run actions", async () => {
    const { engine, t } = await start();
    engine.runPlugin = (name, repoId, options = {}) => {
      engine.calls.runPlugin.push({ name, repoId, options: { dryRun: options.dryRun, trigger: options.trigger, args: options.args } });
      engine.emit("action", { repo: repoId, plugin: name, kind: "reaped", message: "would reap 1 file", dryRun: true, paths: ["objects/pack/tmp_pack_abc"], bytes: 4096 });
      return Promise.resolve({ summary: "would reap 1 file (4.0K)", data: { candidates: 1 } });
    };
    await t.press("d");
    await waitFor(() => engine.calls.runPlugin.length === 1, "runPlugin");
    expect(engine.calls.runPlugin[0]).toEqual({ name: "tmp-pack-reaper", repoId: alpha.id, options: { dryRun: true, trigger: "tui", args: {} } });
    const f = await frameUntil(t, (f) => f.includes("data:"), "result view");
    expect(f).toContain("dry run: tmp-pack-reaper on alpha");
    expect(f).toContain("would reap 1 file (4.0K)");
    expect(f).toContain("  reaped: would reap 1 file (4.0K)");
    expect(f).toContain("    objects/pack/tmp_pack_abc");
    expect(f).toContain('"candidates": 1');
    await t.press(KEY.escape);
    await frameUntil(t, (f) => f.includes("━━ Repositories"), "back to dashboard");
  });

  it("a failing run is reported, not thrown", async () => {
    const { engine, t } = await start();
    engine.runResult = new Error("repository is locked");
    await t.press("r");
    const f = await frameUntil(t, (f) => f.includes("run: tmp-pack-reaper on alpha failed: repository is locked"), "error message");
    // the failure is also kept in the Activity stream
    expect(f.slice(0, f.indexOf("gitmaint ·"))).toMatch(/tmp-pack-reaper\s+alpha\s+error: run: tmp-pack-reaper on alpha\s+failed: repository is locked/);
  });

  it("p pauses, then resumes, the selected plugin", async () => {
    const { engine, t } = await start();
    await t.press(KEY.tab, "p");
    await waitFor(() => engine.calls.pausePlugin.length === 1, "pause");
    expect(engine.calls.pausePlugin).toEqual(["tmp-pack-reaper"]);
    await frameUntil(t, (f) => /tmp-pack-reaper\s+paused/.test(f), "paused state");
    await t.press("p");
    await waitFor(() => engine.calls.resumePlugin.length === 1, "resume");
    expect(engine.calls.resumePlugin).toEqual(["tmp-pack-reaper"]);
  });

  it("x asks before stopping a gitmaint run, and never stops an external process", async () => {
    const { engine, t } = await start();
    engine.runs = [{ runId: 9, pid: 4321, argv: ["git", "repack", "-a", "-d"], owner: "cruft-writer", repo: alpha.id, startedAt: Date.now() }];
    engine.emit("process.seen", { repo: alpha.id, pid: 777, startTime: Date.now() + 1, argv: ["git", "gc"], role: "gc" });
    await frameUntil(t, (f) => f.includes("4321") && f.includes("777"), "processes");
    await t.press(KEY.tab, KEY.tab, "x");
    await frameUntil(t, (f) => f.includes("stop git pid 4321: repack -a -d (cruft-writer)? [y/N]"), "confirmation");
    await t.press("n");
    await frameUntil(t, (f) => !f.includes("[y/N]"), "prompt closed");
    expect(engine.calls.killRun).toEqual([]);
    await t.press("x", "y");
    await waitFor(() => engine.calls.killRun.length === 1, "killRun");
    expect(engine.calls.killRun).toEqual([9]);
    await frameUntil(t, (f) => f.includes("stopping git pid 4321"), "stop message");
    await t.press("j", "x");
    await frameUntil(t, (f) => f.includes("pid 777 is not gitmaint's (gc): not stopping it"), "refusal");
    expect(engine.calls.killRun).toEqual([9]);
  });

  it("enter opens the journal of the selected repository and plugin", async () => {
    const { engine, t } = await start();
    const now = Date.now();
    engine.journalEntries = [
      { at: now - 5000, repo: alpha.id, plugin: "tmp-pack-reaper", op: "delete", path: "objects/pack/tmp_pack_x", bytes: 2048, reason: "no holder, writer pid 12 dead, 3 min old" },
      { at: now - 1000, repo: alpha.id, plugin: "cruft-writer", op: "repack", reason: "52 packs > 50" },
      { at: now - 500, repo: beta.id, plugin: "tmp-pack-reaper", op: "delete", path: "objects/pack/tmp_idx_y", reason: "stale" },
    ];
    await t.press(KEY.enter);
    let f = await frameUntil(t, (f) => f.includes("Journal: repo alpha (2, newest first)"), "repo journal");
    expect(engine.calls.journalRead).toContain(alpha.id);
    const body = f.slice(f.indexOf("Journal: repo alpha"));
    expect(body.indexOf("repack")).toBeLessThan(body.indexOf("delete"));
    expect(body).toMatch(/delete\s+tmp-pack-reaper\s+objects\/pack\/tmp_pack_x\s+2\.0K/);
    expect(body).toContain("    no holder, writer pid 12 dead, 3 min old");
    await t.press(KEY.escape);
    await frameUntil(t, (f) => f.includes("━━ Repositories"), "dashboard again");
    await t.press(KEY.tab, KEY.enter);
    f = await frameUntil(t, (f) => f.includes("Journal: plugin tmp-pack-reaper (2, newest first)"), "plugin journal");
    const pbody = f.slice(f.indexOf("Journal: plugin"));
    expect(pbody).toMatch(/delete\s+beta\s+objects\/pack\/tmp_idx_y/);
    expect(pbody).toMatch(/delete\s+alpha\s+objects\/pack\/tmp_pack_x/);
  });

  it("/ edits the activity filter; esc cancels, enter applies", async () => {
    const { t } = await start();
    await t.press("/", "p", "l", "u", "g", KEY.backspace, "g", "i", "n", ":", "c");
    await frameUntil(t, (f) => f.includes("/ plugin:c█"), "filter prompt");
    await t.press(KEY.enter);
    await frameUntil(t, (f) => f.includes("· filter: plugin:c "), "filter in header");
    await t.press("/", "x", KEY.escape);
    const f = await frameUntil(t, (f) => !f.includes("█"), "prompt closed");
    expect(f).toContain("· filter: plugin:c ");
  });

  it("? shows every binding from keys.ts", async () => {
    const { t } = await start();
    await t.press("?");
    const f = await frameUntil(t, (f) => f.includes("Keys (esc to close)"), "help");
    // the first bindings are visible at 80x24; the rest scroll
    for (const b of BINDINGS.slice(0, 8)) expect(f).toContain(b.help);
    await t.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.down, KEY.down);
    const g = await frameUntil(t, (f) => f.includes(BINDINGS.at(-1)!.help), "scrolled help");
    expect(g).toContain("quit");
  });

  it("q quits once (the caller shuts the engine down); later keys are ignored", async () => {
    let quits = 0;
    const { engine, t } = await start(() => quits++);
    await t.press("q");
    await waitFor(() => quits === 1, "onQuit");
    await frameUntil(t, (f) => f.includes("shutting down"), "shutdown message");
    await t.press("q", "r");
    await new Promise((r) => setTimeout(r, 50));
    expect(quits).toBe(1);
    expect(engine.calls.runPlugin).toEqual([]);
  });
});
