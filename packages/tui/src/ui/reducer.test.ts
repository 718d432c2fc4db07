import type { AnyEvent, GitmaintEvents } from "@gitmaint/core";
import { describe, expect, it } from "vitest";
import { pluginInfo, repository, stats } from "../../../../test/helpers/tui.js";
import { ACTIVITY_HISTORY } from "./activity.js";
import { initialState, type UiState } from "./model.js";
import { reducer, type Action } from "./reducer.js";

const repo = repository("alpha");
const other = repository("beta");

function ev<K extends keyof GitmaintEvents>(type: K, event: Omit<GitmaintEvents[K], "at"> & { at?: number }): AnyEvent {
  return { type, event: { at: 1000, ...event } } as AnyEvent;
}

function run(actions: Action[], start: UiState = initialState(1000)): UiState {
  return actions.reduce(reducer, start);
}

const base: Action[] = [
  { type: "repos", repos: [repo, other] },
  { type: "plugins", plugins: [pluginInfo("tmp-pack-reaper"), pluginInfo("cruft-writer")] },
];

describe("reducer: Repositories", () => {
  it("takes stats from repo.stats and keeps a pack-count history for the sparkline", () => {
    const s = run([
      ...base,
      { type: "events", batch: [ev("repo.stats", { repo: repo.id, stats: stats({ packs: 3 }) })] },
      { type: "events", batch: [ev("repo.stats", { repo: repo.id, stats: stats({ packs: 5, tmpFiles: 1, tmpBytes: 10 }) })] },
    ]);
    const row = s.repos.find((r) => r.id === repo.id);
    expect(row?.stats?.packs).toBe(5);
    expect(row?.history).toEqual([3, 5]);
    expect(s.repos.map((r) => r.name)).toEqual(["alpha", "beta"]);
  });

  it("records the last full repack from a `repacked` action and from cruft-writer's status", () => {
    let s = run([...base, { type: "events", batch: [ev("action", { repo: repo.id, plugin: "cruft-writer", kind: "repacked", message: "repacked", at: 5000 })] }]);
    expect(s.repos[0]?.lastFullRepackAt).toBe(5000);
    s = reducer(s, {
      type: "status",
      status: { repo: other, stats: stats({ packs: 2 }), tmpFiles: [], locks: [], gitProcesses: [], plugins: { "cruft-writer": { summary: "", data: { lastFullRepackAt: 7000 } } } },
    });
    expect(s.repos[1]?.lastFullRepackAt).toBe(7000);
    expect(s.repos[1]?.stats?.packs).toBe(2);
  });

  it("adds a repository first seen in an event and drops it on repo.removed", () => {
    let s = run([...base, { type: "events", batch: [ev("repo.added", { repo: "/x/gamma.git", name: "gamma" })] }]);
    expect(s.repos.map((r) => r.name)).toEqual(["alpha", "beta", "gamma"]);
    s = reducer(s, { type: "events", batch: [ev("repo.removed", { repo: "/x/gamma.git" })] });
    expect(s.repos.map((r) => r.name)).toEqual(["alpha", "beta"]);
  });
});

describe("reducer: Plugins", () => {
  it("follows plugin.state and remembers each plugin's last action", () => {
    const s = run([
      ...base,
      { type: "events", batch: [ev("plugin.state", { plugin: "tmp-pack-reaper", state: "busy", failures: 0 })] },
      { type: "events", batch: [ev("action", { repo: repo.id, plugin: "tmp-pack-reaper", kind: "reaped", message: "reaped 2 files, 1.2M", at: 2000 })] },
      { type: "events", batch: [ev("plugin.state", { plugin: "cruft-writer", state: "failed", message: "boom", failures: 3 })] },
    ]);
    const reaper = s.plugins.find((p) => p.name === "tmp-pack-reaper");
    expect(reaper?.state).toBe("busy");
    expect(reaper?.lastAction).toEqual({ message: "reaped 2 files, 1.2M", at: 2000, kind: "reaped" });
    const cruft = s.plugins.find((p) => p.name === "cruft-writer");
    expect(cruft).toMatchObject({ state: "failed", message: "boom", failures: 3 });
  });

  it("keeps the last action across plugins() snapshots", () => {
    const s = run([
      ...base,
      { type: "events", batch: [ev("action", { repo: repo.id, plugin: "cruft-writer", kind: "repacked", message: "repacked 9 packs" })] },
      { type: "plugins", plugins: [pluginInfo("tmp-pack-reaper"), pluginInfo("cruft-writer", { nextRunAt: 9000, failures: 1, totalFailures: 4 })] },
    ]);
    expect(s.plugins[1]).toMatchObject({ nextRunAt: 9000, failures: 1, totalFailures: 4, lastAction: { message: "repacked 9 packs" } });
  });
});

describe("reducer: Git processes", () => {
  it("tracks a run from git.started through progress to git.finished", () => {
    let s = run([
      ...base,
      { type: "events", batch: [ev("git.started", { repo: repo.id, runId: 7, pid: 4242, argv: ["git", "repack", "-a", "-d"], owner: "cruft-writer", at: 500 })] },
      {
        type: "events",
        batch: [ev("git.progress", { repo: repo.id, runId: 7, pid: 4242, owner: "cruft-writer", phase: "Writing objects", percent: 45, done: 45, total: 100 })],
      },
    ]);
    expect(s.procs).toEqual([
      expect.objectContaining({ key: "run:7", pid: 4242, owner: "cruft-writer", startedAt: 500, phase: "Writing objects", percent: 45 }),
    ]);
    s = reducer(s, {
      type: "events",
      batch: [
        ev("git.finished", {
          repo: repo.id, runId: 7, pid: 4242, argv: ["git", "repack", "-a", "-d"], owner: "cruft-writer",
          exitCode: undefined, signal: "SIGKILL", durationMs: 3000, ok: false, timedOut: false, aborted: false, cleaned: ["objects/pack/tmp_pack_1"], kept: [],
        }),
      ],
    });
    expect(s.procs).toEqual([]);
    expect(s.activity.at(-1)?.text).toBe("git repack -a -d failed (killed by SIGKILL) after 3s; cleaned 1 leftover");
  });

  it("shows external processes from process.seen/gone and from status, never our own twice", () => {
    let s = run([
      ...base,
      { type: "runs", runs: [{ runId: 1, pid: 100, argv: ["git", "gc"], owner: "gitmaint", repo: repo.id, startedAt: 10 }] },
      { type: "events", batch: [ev("process.seen", { repo: repo.id, pid: 555, startTime: 20, argv: ["git", "repack"], role: "repack" })] },
    ]);
    expect(s.procs.map((p) => p.key)).toEqual(["run:1", "ext:555"]);
    s = reducer(s, {
      type: "status",
      status: {
        repo, stats: stats(), tmpFiles: [], locks: [], plugins: {},
        gitProcesses: [
          { pid: 100, ppid: 1, startTime: 10, startTicks: 1, comm: "git", argv: ["git", "gc"], cwd: undefined, inspectable: true, state: "R", role: "gc", match: "certain" },
          { pid: 556, ppid: 1, startTime: 30, startTicks: 1, comm: "git", argv: ["git", "fetch"], cwd: undefined, inspectable: true, state: "S", role: "fetch", match: "certain" },
        ],
      },
    });
    expect(s.procs.map((p) => p.key)).toEqual(["run:1", "ext:556"]);
    s = reducer(s, { type: "runs", runs: [] });
    expect(s.procs.map((p) => p.key)).toEqual(["ext:556"]);
  });
});

describe("reducer: Activity and filter", () => {
  const actions: Action[] = [
    ...base,
    {
      type: "events",
      batch: [
        ev("action", { repo: repo.id, plugin: "tmp-pack-reaper", kind: "reaped", message: "reaped 1 file" }),
        ev("action", { repo: other.id, plugin: "cruft-writer", kind: "repacked", message: "repacked beta" }),
        ev("log", { level: "debug", message: "debug is not shown" }),
        ev("log", { plugin: "cruft-writer", repo: other.id, level: "warn", message: "slow disk" }),
      ],
    },
  ];

  it("appends actions and info+ logs to the Static log; debug stays out", () => {
    const s = run(actions);
    expect(s.log.items.map((i) => i.text)).toEqual(["reaped 1 file", "repacked beta", "slow disk"]);
  });

  it("a filter restarts the Static log with a header and the matching history, then filters new items", () => {
    let s = run([...actions, { type: "filter", filter: "repo:beta" }]);
    expect(s.log.epoch).toBe(1);
    expect(s.log.items.map((i) => i.text)).toEqual(["── filter: repo:beta (last 2 matching) ──", "repacked beta", "slow disk"]);
    s = reducer(s, { type: "events", batch: [ev("action", { repo: repo.id, plugin: "tmp-pack-reaper", kind: "reaped", message: "reaped alpha" })] });
    expect(s.log.items).toHaveLength(3);
    s = run([{ type: "filter", filter: "plugin:reaper" }], s);
    expect(s.log.items.map((i) => i.text)).toEqual(["── filter: plugin:reaper (last 2 matching) ──", "reaped 1 file", "reaped alpha"]);
    s = run([{ type: "filter", filter: "" }], s);
    expect(s.log.items[0]?.text).toBe("── filter cleared: all activity ──");
    expect(s.log.items).toHaveLength(5);
  });

  it("history is bounded and printed log items are compacted away", () => {
    let s = run(base);
    const batch = Array.from({ length: ACTIVITY_HISTORY + 50 }, (_, i) => ev("log", { level: "info", message: `m${i}` }));
    s = reducer(s, { type: "events", batch });
    expect(s.activity).toHaveLength(ACTIVITY_HISTORY);
    expect(s.activity[0]?.text).toBe("m50");
    const printed = s.log.items.length;
    s = reducer(s, { type: "events", batch: [ev("log", { level: "info", message: "late" })] });
    s = reducer(s, { type: "log-printed", epoch: s.log.epoch, printed });
    expect(s.log.items.map((i) => i.text)).toEqual(["late"]);
    // a stale compaction (old epoch) is ignored
    expect(reducer(s, { type: "log-printed", epoch: 0, printed: 1 })).toBe(s);
  });
});

describe("reducer: navigation", () => {
  it("tab cycles panes and selection stays within each pane", () => {
    let s = run([...base, { type: "move", delta: 5 }]);
    expect(s.selected.repos).toBe(1);
    s = run([{ type: "focus", pane: "next" }, { type: "move", delta: 1 }], s);
    expect(s.focus).toBe("plugins");
    expect(s.selected.plugins).toBe(1);
    s = run([{ type: "focus", pane: "next" }, { type: "focus", pane: "next" }, { type: "focus", pane: "prev" }], s);
    expect(s.focus).toBe("procs");
    s = run([{ type: "repos", repos: [repo] }], s);
    expect(s.selected.repos).toBe(0);
  });
});
