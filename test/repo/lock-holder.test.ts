/**
 * The tmp scanner reads the holder gitmaint's Locks write into a lock file (`{pid, startTicks,
 * host, owner, acquiredAt}` in `objects/maintenance.lock`) and names it on the entry; git's own
 * empty lock, a symlink and a FIFO in the lock's place name nobody (and the FIFO does not block).
 */
import { execFileSync } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ProcessTable } from "../../packages/core/src/process/table.js";
import { Locks } from "../../packages/core/src/locks/locks.js";
import { scanTemporaries } from "../../packages/core/src/repo/tmpfiles.js";
import type { Repository } from "../../packages/core/src/repo/types.js";
import { cleanupAll, makeRepo, repoOf, tempDir } from "../helpers/fixtures.js";

const handles: { release(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.release()));
  await cleanupAll();
});

async function lockEntry(repo: Repository) {
  const scan = await scanTemporaries(repo, { places: ["objects"] });
  return scan.entries.find((e) => e.rel === "objects/maintenance.lock");
}

describe("tmp scan: lock holders", () => {
  it("a maintenance.lock held by gitmaint's Locks names its pid, start ticks and host", async () => {
    const repo = repoOf(makeRepo());
    const processes = new ProcessTable();
    const locks = new Locks({ processes, owner: "test" });
    handles.push(await locks.acquire(repo, "maintenance"));
    const entry = await lockEntry(repo);
    expect(entry).toMatchObject({ kind: "lock", pid: process.pid, startTicks: processes.startTicksOf(process.pid), host: hostname() });
  });

  it("git's own empty lock, other text, a symlink and a FIFO name no holder", async () => {
    const repo = repoOf(makeRepo());
    const path = join(repo.objectsDir, "maintenance.lock");
    const holder = JSON.stringify({ pid: 4242, startTicks: 7, host: "elsewhere", owner: "x", acquiredAt: 1 });
    for (const content of ["", "4242 somehost\n", "{not json"]) {
      writeFileSync(path, content);
      const entry = await lockEntry(repo);
      expect(entry?.kind).toBe("lock");
      expect(entry?.pid).toBeUndefined();
      expect(entry?.host).toBeUndefined();
    }
    execFileSync("rm", ["-f", path]);
    const target = join(tempDir("outside-"), "holder.json");
    writeFileSync(target, holder);
    symlinkSync(target, path);
    const link = await lockEntry(repo);
    expect(link).toMatchObject({ kind: "lock", isSymlink: true });
    expect(link?.pid).toBeUndefined();
    execFileSync("rm", ["-f", path]);
    execFileSync("mkfifo", [path]);
    const fifo = await lockEntry(repo); // would hang here if the open blocked
    expect(fifo?.kind).toBe("lock");
    expect(fifo?.pid).toBeUndefined();
    execFileSync("rm", ["-f", path]);
    writeFileSync(path, holder + "\n");
    expect(await lockEntry(repo)).toMatchObject({ pid: 4242, startTicks: 7, host: "elsewhere" });
  });
});
