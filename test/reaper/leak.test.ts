/**
 * Real leaks: a `git index-pack --stdin` killed with SIGKILL mid-write leaves a tmp_pack_*; the
 * reaper reclaims it after its grace (via tmp.seen from the watcher, not the sweep) and journals
 * it first. A gitmaint git child that fails is checked at once, skipping the grace.
 */
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { cleanupAll, makeRepo, waitFor } from "../helpers/fixtures.js";
import { holdOpen, killAndWait, packSource, startIndexPack, startReaper, stopRigs, tmpPacks } from "../helpers/reaper.js";

afterEach(async () => {
  await stopRigs();
  await cleanupAll();
});

describe("tmp-pack-reaper: real leaks", () => {
  it("reaps the tmp_pack_* of a SIGKILLed index-pack after its grace, journaled first", async () => {
    const { pack } = packSource();
    const target = makeRepo({ bare: true });
    // Sweep effectively never: only the tmp.seen timer can reclaim it.
    const rig = await startReaper(target, { minAgeMs: { tmp: 800 }, sweepIntervalMs: 3_600_000, slackMs: 200 }, true);
    const writer = await startIndexPack(target, rig.repo.packDir, pack);
    const bytes = statSync(writer.path).size;
    await killAndWait(writer.child, "SIGKILL");
    expect(existsSync(writer.path)).toBe(true); // git left it behind
    await waitFor(() => !existsSync(writer.path), { timeoutMs: 15_000, what: "the leaked tmp_pack to be reaped" });
    const rel = relative(rig.repo.commonDir, writer.path);
    const deletes = (await rig.journal()).filter((e) => e.op === "delete");
    expect(deletes).toHaveLength(1);
    expect(deletes[0]).toMatchObject({ plugin: "tmp-pack-reaper", path: rel, bytes });
    expect(deletes[0]!.reason).toMatch(/no holder/);
    await waitFor(() => rig.actions.some((a) => a.kind === "reaped" && a.paths?.includes(rel)), { what: "a reaped action" });
    const action = rig.actions.find((a) => a.kind === "reaped")!;
    expect(action.message).toMatch(/^reaped 1 file, /);
    expect(action.bytes).toBe(bytes);
  });

  it("keeps a fresh leak within its grace, and `reap --min-age 0` takes it", async () => {
    const { pack } = packSource(64);
    const target = makeRepo({ bare: true });
    const rig = await startReaper(target, { slackMs: 200 });
    const writer = await startIndexPack(target, rig.repo.packDir, pack);
    await killAndWait(writer.child);
    const name = basename(writer.path);
    const first = await rig.reap();
    expect(first.deleted).toEqual([]);
    expect(first.kept.find((k) => k.path.endsWith(name))?.reason).toMatch(/younger than 2m \(tmp-pack grace\)/);
    expect(existsSync(writer.path)).toBe(true);
    // A process started before the file changed could be its writer: wait out the slack.
    await new Promise((r) => setTimeout(r, 300));
    const second = await rig.reap({ minAgeMs: 0 });
    expect(second.deleted.map((d) => d.path)).toEqual([`objects/pack/${name}`]);
    expect(second.bytesFreed).toBeGreaterThan(4096);
    expect(existsSync(writer.path)).toBe(false);
  });

  it("a failed gitmaint git child is checked at once: its leftover skips the 2 min grace", async () => {
    const { pack } = packSource(64);
    const target = makeRepo({ bare: true });
    const rig = await startReaper(target, { sweepIntervalMs: 3_600_000 });
    const child = rig.engine.git.spawn(["index-pack", "--stdin"], { repo: rig.repo, cleanupOnFailure: false });
    child.result.catch(() => {});
    child.stdin.write(pack.subarray(0, pack.length >> 1));
    const path = await waitFor(
      () => {
        const name = tmpPacks(rig.repo.packDir)[0];
        const t = name && join(rig.repo.packDir, name);
        return t && statSync(t).size > 4096 ? t : undefined;
      },
      { what: "the gitmaint child's tmp_pack" },
    );
    child.kill();
    await waitFor(() => !existsSync(path as string), { timeoutMs: 10_000, what: "the failed run's leftover to be reaped" });
    const deletes = (await rig.journal()).filter((e) => e.op === "delete" && e.plugin === "tmp-pack-reaper");
    expect(deletes).toHaveLength(1);
    expect(deletes[0]!.reason).toMatch(/left by failed git run/);
  });

  it("a failed run's leftover still held at that moment is re-checked shortly after (no sweep, 2 min grace)", async () => {
    const { pack } = packSource(64);
    const target = makeRepo({ bare: true });
    const rig = await startReaper(target, { sweepIntervalMs: 3_600_000 });
    const child = rig.engine.git.spawn(["index-pack", "--stdin"], { repo: rig.repo, cleanupOnFailure: false });
    child.result.catch(() => {});
    child.stdin.write(pack.subarray(0, pack.length >> 1));
    const path = (await waitFor(
      () => {
        const name = tmpPacks(rig.repo.packDir)[0];
        const t = name && join(rig.repo.packDir, name);
        return t && statSync(t).size > 4096 ? t : undefined;
      },
      { what: "the gitmaint child's tmp_pack" },
    )) as string;
    const holder = await holdOpen(path);
    const kept = new Promise<void>((res) =>
      rig.engine.bus.on("action", (a) => {
        if (a.kind === "kept" && a.paths?.some((p) => path.endsWith(p))) res();
      }),
    );
    child.kill();
    await kept; // the immediate check after the failure kept it (held open)
    expect(existsSync(path)).toBe(true);
    await killAndWait(holder);
    await waitFor(() => !existsSync(path), { timeoutMs: 10_000, what: "the re-check to reap it" });
    const deletes = (await rig.journal()).filter((e) => e.op === "delete" && e.plugin === "tmp-pack-reaper");
    expect(deletes.map((d) => d.reason)).toEqual([expect.stringMatching(/left by failed git run/)]);
  });
});
