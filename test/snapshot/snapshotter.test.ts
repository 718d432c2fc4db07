/**
 * createSnapshotter on real git: single-flight, throttle, correctness against an independent
 * write-tree, failures that never return a stale tree as fresh, exclusion rules, retention.
 */
import { mkdirSync, writeFileSync, rmSync, existsSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Bus, GitRunner, Journal } from "@gitmaint/core";
import { createSnapshotter, SnapshotError } from "@gitmaint/plugins";
import { cleanupAll, git, tempDir } from "../helpers/fixtures.js";
import { independentTree, isolateGitEnv, leftoversIn, makeWorkTree, subcommandOf } from "../helpers/snapshot.js";

beforeAll(() => isolateGitEnv());
afterEach(() => cleanupAll());
afterAll(() => cleanupAll());

function setup(files = 30, extra: Partial<Parameters<typeof createSnapshotter>[0]> = {}) {
  const bus = new Bus();
  const started: string[] = [];
  bus.on("git.started", (e) => void started.push(subcommandOf(e.argv)));
  const git = new GitRunner({ bus });
  const workTree = makeWorkTree(files);
  const gitDir = join(tempDir("side-"), "snap.git");
  const snap = createSnapshotter({ gitDir, workTree, timeoutMs: 30_000, minIntervalMs: 0, git, ...extra });
  return { bus, git, started, workTree, gitDir, snap };
}

describe("track", () => {
  it("50 concurrent calls share at most two add runs, and every caller gets the right tree", async () => {
    const { snap, started, workTree } = setup(200);
    const results = await Promise.all(Array.from({ length: 50 }, () => snap.track()));
    const adds = started.filter((s) => s === "add" || s === "update-index");
    expect(started.filter((s) => s === "add").length).toBeGreaterThanOrEqual(1);
    expect(started.filter((s) => s === "add").length).toBeLessThanOrEqual(2);
    expect(adds.length).toBeLessThanOrEqual(4);
    const expected = independentTree(workTree);
    for (const r of results) expect(r).toEqual({ tree: expected, fresh: true });
  });

  it("a burst while a run reads the tree costs one queued run, and sees changes made before it", async () => {
    const { snap, started, workTree } = setup(50);
    const first = snap.track();
    // wait until the first run spawned its add, then change the tree and ask again (many times)
    await waitUntil(() => started.includes("ls-files"));
    writeFileSync(join(workTree, "new.txt"), "new\n");
    const later = await Promise.all(Array.from({ length: 20 }, () => snap.track()));
    await first;
    expect(started.filter((s) => s === "write-tree").length).toBe(2);
    const expected = independentTree(workTree);
    for (const r of later) expect(r.tree).toBe(expected);
  });

  it("is throttled within minIntervalMs unless forced", async () => {
    const { snap, workTree, started } = setup(10, { minIntervalMs: 60_000 });
    const a = await snap.track();
    writeFileSync(join(workTree, "x.txt"), "x\n");
    const b = await snap.track();
    expect(b).toEqual({ tree: a.tree, fresh: false });
    const c = await snap.track({ force: true });
    expect(c.fresh).toBe(true);
    expect(c.tree).toBe(independentTree(workTree));
    expect(started.filter((s) => s === "write-tree").length).toBe(2);
  });

  it("initialises the side dir with sane config and keeps each snapshot reachable", async () => {
    const { snap, gitDir } = setup(5);
    const { tree } = await snap.track();
    const config = readFileSync(join(gitDir, "config"), "utf8");
    expect(config).toMatch(/auto = 0/);
    expect(git(gitDir, ["config", "maintenance.auto"])).toBe("false");
    expect(git(gitDir, ["config", "core.fsmonitor"])).toBe("false");
    const refs = git(gitDir, ["for-each-ref", "--format=%(objectname)", "refs/gitmaint/snapshots/"]);
    expect(refs).toBe(tree);
  });

  it("honours .gitignore, exclude and maxFileBytes", async () => {
    const { snap, workTree, gitDir } = setup(5, { exclude: ["*.log"], maxFileBytes: 1000 });
    writeFileSync(join(workTree, ".gitignore"), "ignored/\n");
    mkdirSync(join(workTree, "ignored"));
    writeFileSync(join(workTree, "ignored", "a"), "a\n");
    writeFileSync(join(workTree, "app.log"), "log\n");
    writeFileSync(join(workTree, "video.bin"), Buffer.alloc(5000, 1));
    writeFileSync(join(workTree, "small.bin"), Buffer.alloc(500, 1));
    const { tree } = await snap.track();
    const files = git(gitDir, ["ls-tree", "-r", "--name-only", tree]).split("\n");
    expect(files).toContain("small.bin");
    expect(files).toContain(".gitignore");
    expect(files).not.toContain("video.bin");
    expect(files).not.toContain("app.log");
    expect(files.some((f) => f.startsWith("ignored/"))).toBe(false);
    expect(readFileSync(join(gitDir, "info", "exclude"), "utf8")).toContain("*.log");
    // the large file stays out on later snapshots too
    writeFileSync(join(workTree, "small.bin"), Buffer.alloc(600, 2));
    const again = await snap.track();
    expect(git(gitDir, ["ls-tree", "-r", "--name-only", again.tree]).split("\n")).not.toContain("video.bin");
  });

  it("a newly excluded tracked file leaves the next snapshot", async () => {
    const workTree = makeWorkTree(5);
    writeFileSync(join(workTree, "secret.env"), "k=v\n");
    const gitDir = join(tempDir("side-"), "s.git");
    const one = await createSnapshotter({ gitDir, workTree, minIntervalMs: 0 }).track();
    expect(git(gitDir, ["ls-tree", "-r", "--name-only", one.tree])).toContain("secret.env");
    const two = await createSnapshotter({ gitDir, workTree, minIntervalMs: 0, exclude: ["*.env"] }).track();
    expect(git(gitDir, ["ls-tree", "-r", "--name-only", two.tree])).not.toContain("secret.env");
  });
});

describe("failures", () => {
  it("a failing add raises SnapshotError and the previous tree is never returned as fresh", async () => {
    const { snap, workTree, gitDir } = setup(10, { minIntervalMs: 60_000 });
    const good = await snap.track();
    // A nested repository with no commit: `git add` (and update-index) refuse it, exit 128.
    // This fails as root too, unlike an unreadable file.
    mkdirSync(join(workTree, "nested"));
    git(join(workTree, "nested"), ["init", "-q"]);
    writeFileSync(join(workTree, "nested", "f"), "f\n");
    await expect(snap.track({ force: true })).rejects.toBeInstanceOf(SnapshotError);
    await expect(snap.track({ force: true })).rejects.toThrow(/does not have a commit|Unable to process path|is a directory/);
    // within the throttle window the old tree is still honest: fresh is false
    expect(await snap.track()).toEqual({ tree: good.tree, fresh: false });
    expect(leftoversIn(gitDir)).toEqual([]);
    rmSync(join(workTree, "nested"), { recursive: true, force: true });
    const next = await snap.track({ force: true });
    expect(next).toEqual({ tree: independentTree(workTree), fresh: true });
  });

  it("a failing bulk add (many new files) fails the same way", async () => {
    const { snap, workTree } = setup(2100);
    mkdirSync(join(workTree, "nested"));
    git(join(workTree, "nested"), ["init", "-q"]);
    await expect(snap.track()).rejects.toBeInstanceOf(SnapshotError);
    expect(snap.stats().lastTree).toBeUndefined();
  });

  it("removes an index.lock left by a dead process, journaled first (in the default Journal), but waits for (and never removes) a live one", async () => {
    // no journal passed: the removal must still be journaled, in gitmaint's state dir
    const state = tempDir("state-");
    const saved = process.env.GITMAINT_STATE_DIR;
    process.env.GITMAINT_STATE_DIR = state;
    let made: ReturnType<typeof setup>;
    try {
      made = setup(10, { timeoutMs: 1500 });
    } finally {
      if (saved === undefined) delete process.env.GITMAINT_STATE_DIR;
      else process.env.GITMAINT_STATE_DIR = saved;
    }
    const { snap, gitDir, workTree } = made;
    await snap.track();
    writeFileSync(join(gitDir, "index.lock"), "");
    writeFileSync(join(workTree, "y.txt"), "y\n");
    const r = await snap.track();
    expect(r.tree).toBe(independentTree(workTree));
    expect(existsSync(join(gitDir, "index.lock"))).toBe(false);
    const deleted = await new Journal({ dir: state }).read(realpathSync(gitDir), { op: "delete" });
    expect(deleted.map((e) => [e.path, e.plugin])).toEqual([["index.lock", "snapshot-throttle"]]);

    // a live process holding index.lock open
    const { spawnTracked, waitFor } = await import("../helpers/fixtures.js");
    const lock = join(gitDir, "index.lock");
    const holder = spawnTracked(process.execPath, ["-e", `require("fs").openSync(${JSON.stringify(lock)}, "w"); console.log("ok"); setInterval(() => {}, 1000)`]);
    let out = "";
    holder.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes("ok"), { what: "lock holder" });
    writeFileSync(join(workTree, "z.txt"), "z\n");
    await expect(snap.track()).rejects.toThrow(/index.lock/);
    expect(existsSync(lock)).toBe(true);
  });
});

describe("diff, restore, retention", () => {
  it("diff lists changes and restore brings a tree back (all paths or some)", async () => {
    const { snap, workTree } = setup(5);
    const a = await snap.track();
    writeFileSync(join(workTree, "d0", "f0.txt"), "changed\n");
    rmSync(join(workTree, "d0", "f1.txt"));
    mkdirSync(join(workTree, "newdir"));
    writeFileSync(join(workTree, "newdir", "n.txt"), "n\n");
    const b = await snap.track();
    const changes = await snap.diff(a.tree, b.tree);
    expect(changes).toEqual(
      expect.arrayContaining([
        { status: "M", path: "d0/f0.txt" },
        { status: "D", path: "d0/f1.txt" },
        { status: "A", path: "newdir/n.txt" },
      ]),
    );
    expect(changes).toHaveLength(3);

    const partial = await snap.restore(a.tree, ["d0/f1.txt"]);
    expect(partial.written).toEqual(["d0/f1.txt"]);
    expect(readFileSync(join(workTree, "d0", "f0.txt"), "utf8")).toBe("changed\n");
    expect(existsSync(join(workTree, "d0", "f1.txt"))).toBe(true);

    const full = await snap.restore(a.tree);
    expect(full.removed).toEqual(["newdir/n.txt"]);
    expect(existsSync(join(workTree, "newdir"))).toBe(false);
    expect((await snap.track({ force: true })).tree).toBe(a.tree);
    // the restore can be undone from `before`
    await snap.restore(full.before);
    expect(readFileSync(join(workTree, "d0", "f0.txt"), "utf8")).toBe("changed\n");
    await expect(snap.restore("0".repeat(40))).rejects.toBeInstanceOf(SnapshotError);
  });

  it("keeps the newest keepCount snapshots reachable; expired ones are collected by gc", async () => {
    const { snap, workTree, gitDir } = setup(3, { keepCount: 3 });
    const trees: string[] = [];
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(workTree, "v.txt"), `version ${i}\n`);
      trees.push((await snap.track()).tree);
    }
    const refs = (await snap.list()).map((r) => r.tree);
    expect(refs).toEqual(trees.slice(2).reverse());
    git(gitDir, ["-c", "gc.auto=1", "gc", "-q", "--prune=now"]);
    for (const t of trees.slice(2)) git(gitDir, ["cat-file", "-e", t]);
    for (const t of trees.slice(0, 2)) expect(() => git(gitDir, ["cat-file", "-e", t])).toThrow();
  });

  it("age retention drops old snapshots but always keeps the newest", async () => {
    const { snap, workTree } = setup(3, { keepMaxAgeMs: 0 });
    await snap.track();
    writeFileSync(join(workTree, "w.txt"), "w\n");
    const b = await snap.track();
    expect((await snap.list()).map((r) => r.tree)).toEqual([b.tree]);
  });
});

async function waitUntil(fn: () => boolean): Promise<void> {
  const { waitFor } = await import("../helpers/fixtures.js");
  await waitFor(fn, { intervalMs: 1, what: "condition" });
}
