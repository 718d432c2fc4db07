import chalk from "chalk";
import { afterEach, describe, expect, it } from "vitest";
import {
  fakeEngine,
  frameUntil,
  KEY,
  pluginInfo,
  renderTerminal,
  repository,
  stats,
  stripAnsi,
  type FakeEngine,
  type TerminalRender,
} from "../../../../test/helpers/tui.js";
import { App } from "./App.js";
import { dashboardHeight } from "./layout.js";
import { ThemeContext, themeFor } from "./theme.js";

let term: TerminalRender | undefined;
const savedLevel = chalk.level;

afterEach(() => {
  term?.unmount();
  term = undefined;
  chalk.level = savedLevel;
});

/** A busy engine: long names, many plugins, several processes, long messages. */
function busyEngine(): FakeEngine {
  const repos = ["alpha", "a-repository-with-a-really-long-name-indeed", "gamma", "delta"].map(repository);
  const plugins = ["snapshot-throttle", "tmp-pack-reaper", "aggregate-during-repack", "cruft-writer", "fd-leak-guard", "mirror-snapshot", "a-third-party-plugin-with-a-long-name"].map(
    (n, i) => pluginInfo(n, { nextRunAt: Date.now() + i * 60_000, state: i === 3 ? "failed" : "idle", message: i === 3 ? "x".repeat(200) : undefined }),
  );
  const engine = fakeEngine(repos, plugins);
  for (const r of repos) engine.stats[r.id] = stats({ packs: 123_456, looseObjects: 9_999_999, tmpFiles: 4242, tmpBytes: 5 * 1024 ** 4, cruftPacks: 77, locks: ["objects/maintenance.lock"] });
  engine.runs = Array.from({ length: 6 }, (_, i) => ({
    runId: i + 1, pid: 100_000 + i, argv: ["git", "-c", "pack.threads=1", "repack", "-a", "-d", "--cruft", `--cruft-expiration=2.weeks.ago`, "x".repeat(100)],
    owner: "aggregate-during-repack", repo: repos[0]!.id, startedAt: Date.now() - i * 3_600_000,
  }));
  return engine;
}

async function fill(engine: FakeEngine, t: TerminalRender): Promise<string> {
  const repo = engine.repos()[0]!.id;
  for (let i = 0; i < 30; i++) {
    engine.emit("action", { repo, plugin: "a-third-party-plugin-with-a-long-name", kind: "reaped", message: `reaped ${i} files ${"and a very long explanation ".repeat(4)}` });
    engine.emit("git.progress", { repo, runId: 1, pid: 100_000, owner: "aggregate-during-repack", phase: "Compressing objects and more words", percent: 99.5, done: 1, total: 2 });
  }
  return frameUntil(t, (f) => f.includes("reaped 29 files"), "busy frame");
}

function liveArea(frame: string): string[] {
  const lines = frame.split("\n");
  const start = lines.findIndex((l) => l.startsWith("gitmaint ·"));
  return lines.slice(start);
}

describe("layout at 80x24", () => {
  it("no line is wider than 80 columns in any frame, and the live area fits below the activity", async () => {
    const engine = busyEngine();
    term = renderTerminal(<App engine={engine} onQuit={() => {}} flushMs={5} tickMs={50} statusIntervalMs={60_000} />, 80, 24);
    const f = await fill(engine, term);
    await term.press(KEY.tab, "j", KEY.tab, "j", "j");
    await frameUntil(term, (f) => /━━ Git processes/.test(f), "procs focused");
    for (const frame of term.stdout.frames) {
      for (const line of stripAnsi(frame).split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
    }
    const live = liveArea(f);
    expect(live.length).toBeLessThanOrEqual(dashboardHeight(24));
    expect(dashboardHeight(24)).toBeLessThan(24);
  });

  it("has the expected structure: header, three panes with column heads, status line", async () => {
    const engine = busyEngine();
    term = renderTerminal(<App engine={engine} onQuit={() => {}} flushMs={5} tickMs={50} statusIntervalMs={60_000} />, 80, 24);
    const live = liveArea(await fill(engine, term));
    const kinds = live.map((l) =>
      l.startsWith("gitmaint ·") ? "header"
      : /^[━─]{2} Repositories/.test(l) ? "repos"
      : /^[━─]{2} Plugins/.test(l) ? "plugins"
      : /^[━─]{2} Git processes/.test(l) ? "procs"
      : /^ (REPOSITORY|PLUGIN|\s+PID)/.test(l) ? "head"
      : /^>/.test(l) || /^ \S/.test(l) || /^ +\d+ \S/.test(l) ? "row"
      : /^ {2}\S/.test(l) ? "note"
      : "other",
    );
    // the focused pane (Repositories) shows all 4 repos; the others at least their selected row
    expect(kinds.join(" ")).toMatch(/^header repos head row row row row note plugins head (row )+procs head (row )+other$/);
    expect(live.at(-1)).toContain("enter detail");
    expect(live[1]).toMatch(/^━━ Repositories ━+$/);
    expect(live.find((l) => l.startsWith("── Plugins"))).toMatch(/ \d-\d\/7 ──$/);
    expect(live.find((l) => l.startsWith("── Git processes"))).toMatch(/ 1-\d\/6 ──$/);
    expect(live.find((l) => l.startsWith("  poor:"))).toContain("123456 packs > gc.autoPackLimit 50");
  });

  it("follows a resize: wider columns at 120x40, back within 80 columns after shrinking", async () => {
    const engine = busyEngine();
    term = renderTerminal(<App engine={engine} onQuit={() => {}} flushMs={5} tickMs={50} statusIntervalMs={60_000} />, 80, 24);
    await fill(engine, term);
    term.resize(120, 40);
    let f = await frameUntil(term, (f) => liveArea(f).some((l) => l.length > 100), "wide frame");
    expect(liveArea(f).length).toBeLessThanOrEqual(dashboardHeight(40));
    expect(liveArea(f).length).toBeGreaterThan(dashboardHeight(24));
    term.resize(80, 24);
    f = await frameUntil(term, (f) => liveArea(f).every((l) => l.length <= 80), "narrow frame");
    expect(liveArea(f).length).toBeLessThanOrEqual(dashboardHeight(24));
  });
});

describe("NO_COLOR", () => {
  async function renderWith(noColor: boolean): Promise<string> {
    chalk.level = 1;
    const engine = busyEngine();
    term = renderTerminal(
      <ThemeContext.Provider value={themeFor(noColor)}>
        <App engine={engine} onQuit={() => {}} flushMs={5} tickMs={50} statusIntervalMs={60_000} />
      </ThemeContext.Provider>,
    );
    await fill(engine, term);
    const frame = term.lastFrame();
    term.unmount();
    term = undefined;
    return frame;
  }

  it("emits colour codes normally and none under NO_COLOR (attributes like bold stay)", async () => {
    // SGR foreground colours 30-37/90-97 and 38;x
    // eslint-disable-next-line no-control-regex
    const colour = /\u001B\[(3[0-8]|9[0-7])(;\d+)*m/;
    expect(await renderWith(false)).toMatch(colour);
    const plain = await renderWith(true);
    expect(plain).not.toMatch(colour);
    expect(plain).toContain("\u001B[1m");
  });
});
