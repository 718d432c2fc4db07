import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RepoWatcher } from "../../packages/core/src/watch/repo-watcher.js";
import { cleanupAll, git, makeRepo, repoOf, waitFor } from "../helpers/fixtures.js";
import { fdCount, inotifyWatchCount, RecordingBus } from "../helpers/watch.js";

const watchers: RepoWatcher[] = [];

function packsIn(packDir: string): string[] {
  return readdirSync(packDir)
    .filter((n) => /^pack-[0-9a-f]+\.pack$/.test(n))
    .map((n) => n.slice("pack-".length, -".pack".length))
    .sort();
}

/** A repository with `n` packs made by commits + incremental `git repack -d`. */
function repoWithPacks(n: number): string {
  const path = makeRepo({ commits: 1 });
  git(path, ["repack", "-q", "-d"]);
  for (let i = 1; i < n; i++) {
    writeFileSync(join(path, `inc${i}.txt`), `increment ${i}\n${"y".repeat(i * 10)}\n`);
    git(path, ["add", "-A"]);
    git(path, ["commit", "-q", "-m", `inc ${i}`]);
    git(path, ["repack", "-q", "-d"]);
  }
  return path;
}

async function startWatcher(path: string, bus: RecordingBus, options = {}): Promise<RepoWatcher> {
  const w = new RepoWatcher(repoOf(path), bus, options);
  watchers.push(w);
  await w.start();
  return w;
}

afterEach(async () => {
  await Promise.all(watchers.splice(0).map((w) => w.stop()));
  await cleanupAll();
});

describe("RepoWatcher", () => {
  it("sees git repack -a -d output appear and the old packs vanish", async () => {
    const path = repoWithPacks(3);
    const repo = repoOf(path);
    const before = packsIn(repo.packDir);
    expect(before.length).toBe(3);
    const bus = new RecordingBus();
    const w = await startWatcher(path, bus);
    expect([...w.packs].sort()).toEqual(before);
    expect(bus.of("repo.stats")[0]?.stats.packs).toBe(3); // initial stats on start

    git(path, ["repack", "-q", "-a", "-d"]);
    const [after] = packsIn(repo.packDir);
    const added = await bus.waitEvent("pack.added", (e) => e.hash === after);
    expect(added).toMatchObject({ repo: repo.id, pack: `pack-${after}`, path: join(repo.packDir, `pack-${after}.pack`) });
    expect(added.bytes).toBeGreaterThan(0);
    for (const old of before) await bus.waitEvent("pack.removed", (e) => e.hash === old);
    await w.whenIdle();
    expect(bus.of("pack.added").map((e) => e.hash)).toEqual([after]); // once, and only the new pack
    expect(bus.of("pack.removed").map((e) => e.hash).sort()).toEqual(before);
    await bus.waitEvent("repo.stats", (e) => e.stats.packs === 1);
  });

  it("never announces a half-written .idx, and does once it is complete", async () => {
    const source = repoWithPacks(1);
    const [hash] = packsIn(join(source, ".git/objects/pack"));
    const idx = readFileSync(join(source, `.git/objects/pack/pack-${hash}.idx`));
    const target = repoOf(makeRepo({ commits: 1 }));
    const bus = new RecordingBus();
    const w = await startWatcher(target.workTree!, bus);

    copyFileSync(join(source, `.git/objects/pack/pack-${hash}.pack`), join(target.packDir, `pack-${hash}.pack`));
    const idxPath = join(target.packDir, `pack-${hash}.idx`);
    writeFileSync(idxPath, idx.subarray(0, 1100)); // header + fanout, truncated before the object names
    writeFileSync(join(target.packDir, "tmp_pack_marker"), "after the partial idx");
    await bus.waitEvent("tmp.seen", (e) => e.path.endsWith("tmp_pack_marker"));
    await w.whenIdle();
    expect(bus.of("pack.added")).toEqual([]);

    writeFileSync(idxPath, idx.subarray(1100), { flag: "a" });
    const added = await bus.waitEvent("pack.added", (e) => e.hash === hash);
    expect(added.bytes).toBeGreaterThan(0);
  });

  it("reports tmp files appearing and going, including ones renamed away at once", async () => {
    const path = makeRepo();
    const repo = repoOf(path);
    const bus = new RecordingBus();
    await startWatcher(path, bus);

    const tmp = join(repo.packDir, "tmp_pack_x");
    writeFileSync(tmp, Buffer.alloc(2048));
    const seen = await bus.waitEvent("tmp.seen", (e) => e.path === tmp);
    expect(seen).toMatchObject({ kind: "tmp-pack", repo: repo.id });
    unlinkSync(tmp);
    await bus.waitEvent("tmp.gone", (e) => e.path === tmp);

    // repack's staging name exists for milliseconds: still reported (seen, then gone)
    const hash = "5".repeat(40);
    const staging = join(repo.packDir, `.tmp-4242-pack-${hash}.rev`);
    writeFileSync(staging, "x");
    renameSync(staging, join(repo.packDir, `pack-${hash}.rev`));
    expect(await bus.waitEvent("tmp.seen", (e) => e.path === staging)).toMatchObject({ kind: "repack-staging" });
    await bus.waitEvent("tmp.gone", (e) => e.path === staging);
    await bus.waitEvent("pack.sidecar", (e) => e.hash === hash && e.kind === "rev" && e.change === "added");
  });

  it("reports .keep sidecars added and removed, and a transfer .keep as a tmp file", async () => {
    const path = repoWithPacks(1);
    const repo = repoOf(path);
    const [hash] = packsIn(repo.packDir);
    const bus = new RecordingBus();
    await startWatcher(path, bus);

    const keep = join(repo.packDir, `pack-${hash}.keep`);
    writeFileSync(keep, "receive-pack 999999 on somehost\n");
    const added = await bus.waitEvent("pack.sidecar", (e) => e.kind === "keep" && e.change === "added");
    expect(added).toMatchObject({ hash, pack: `pack-${hash}`, path: keep });
    await bus.waitEvent("tmp.seen", (e) => e.path === keep && e.kind === "transfer-keep");
    unlinkSync(keep);
    await bus.waitEvent("pack.sidecar", (e) => e.kind === "keep" && e.change === "removed");
    await bus.waitEvent("tmp.gone", (e) => e.path === keep);
    expect(bus.of("pack.removed")).toEqual([]);
  });

  it("survives the repository being deleted and recreated", async () => {
    const path = repoWithPacks(2);
    const repo = repoOf(path);
    const before = packsIn(repo.packDir);
    const bus = new RecordingBus();
    await startWatcher(path, bus);

    rmSync(path, { recursive: true, force: true });
    for (const old of before) await bus.waitEvent("pack.removed", (e) => e.hash === old);

    mkdirSync(path);
    git(path, ["init", "-q", "-b", "main"]);
    writeFileSync(join(path, "reborn.txt"), "a new life\n");
    git(path, ["add", "-A"]);
    git(path, ["commit", "-q", "-m", "reborn"]);
    git(path, ["repack", "-q", "-a", "-d"]);
    const [reborn] = packsIn(repo.packDir);
    await bus.waitEvent("pack.added", (e) => e.hash === reborn);

    // watching again: a later pack is seen too
    writeFileSync(join(path, "later.txt"), "later\n");
    git(path, ["add", "-A"]);
    git(path, ["commit", "-q", "-m", "later"]);
    git(path, ["repack", "-q", "-d"]);
    const later = packsIn(repo.packDir).find((h) => h !== reborn);
    await bus.waitEvent("pack.added", (e) => e.hash === later);
  });

  it("re-watches a pack directory replaced under the same path", async () => {
    const path = repoWithPacks(1);
    const repo = repoOf(path);
    const [old] = packsIn(repo.packDir);
    const bus = new RecordingBus();
    await startWatcher(path, bus);

    renameSync(repo.packDir, `${repo.packDir}.old`);
    mkdirSync(repo.packDir);
    await bus.waitEvent("pack.removed", (e) => e.hash === old);
    for (const f of readdirSync(`${repo.packDir}.old`)) copyFileSync(join(`${repo.packDir}.old`, f), join(repo.packDir, f));
    await bus.waitEvent("pack.added", (e) => e.hash === old);
    writeFileSync(join(repo.packDir, "tmp_pack_new"), "x");
    await bus.waitEvent("tmp.seen", (e) => e.path.endsWith("tmp_pack_new"));
  });

  it("emits repo.stats periodically and after changes, at most once per second", async () => {
    const path = makeRepo();
    const repo = repoOf(path);
    const periodic = new RecordingBus();
    await startWatcher(path, periodic, { statsIntervalMs: 100 });
    await waitFor(() => periodic.of("repo.stats").length >= 3, { what: "3 periodic repo.stats" });

    const bus = new RecordingBus();
    const w = await startWatcher(path, bus);
    bus.clear();
    const started = Date.now();
    for (let i = 0; i < 30; i++) {
      writeFileSync(join(repo.packDir, `tmp_pack_burst${i}`), "x");
      await new Promise((r) => setTimeout(r, 20));
    }
    // the burst is announced through the fast path too: the last change must still reach repo.stats
    await bus.waitEvent("repo.stats", (e) => e.stats.tmpFiles === 30, 5_000);
    await w.whenIdle();
    const elapsed = Date.now() - started;
    const stats = bus.of("repo.stats");
    expect(stats.length).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
    for (let i = 1; i < stats.length; i++) expect(stats[i]!.at - stats[i - 1]!.at).toBeGreaterThanOrEqual(900);
  });

  it("releases every descriptor and inotify watch: 100 watchers started and stopped", async () => {
    const paths = Array.from({ length: 10 }, () => makeRepo());
    // the first watch creates libuv's process-wide inotify fd, which stays: measure after it
    const warm = new RepoWatcher(repoOf(paths[0]!), new RecordingBus());
    await warm.start();
    await warm.stop();
    const fdsBefore = fdCount();
    const watchesBefore = inotifyWatchCount();

    const bus = new RecordingBus();
    const many = Array.from({ length: 100 }, (_, i) => new RepoWatcher(repoOf(paths[i % paths.length]!), bus, { statsIntervalMs: 50 }));
    await Promise.all(many.map((w) => w.start()));
    expect(inotifyWatchCount()).toBeGreaterThanOrEqual(watchesBefore + paths.length);
    await Promise.all(many.map((w) => w.stop()));

    expect(Math.abs(fdCount() - fdsBefore)).toBeLessThanOrEqual(2);
    expect(inotifyWatchCount()).toBe(watchesBefore);
    const count = bus.events.length;
    await new Promise((r) => setTimeout(r, 120));
    expect(bus.events.length).toBe(count); // nothing is emitted after stop()
  });

  it("stops when its signal is aborted", async () => {
    const path = makeRepo();
    const ac = new AbortController();
    const bus = new RecordingBus();
    const w = await startWatcher(path, bus, { signal: ac.signal });
    ac.abort();
    expect(w.stopped).toBe(true);
    await w.stop();
    writeFileSync(join(repoOf(path).packDir, "tmp_pack_after"), "x");
    await new Promise((r) => setTimeout(r, 150));
    expect(bus.of("tmp.seen")).toEqual([]);
  });
});
