/**
 * Stale archive stagings beside `--out`: only a `<out>.tmp-<pid>` directory whose owner file was
 * written by gitmaint (its name's pid and a start time) and whose owner is dead is removed, and its
 * removal is journalled before it happens. Anything else that merely looks like a staging directory
 * (no owner file, an owner file naming another pid, garbage) is reported and kept, run after run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ProcessTable } from "@gitmaint/core";
import { cleanStaleStaging } from "../../packages/plugins/src/mirror-snapshot/cleanup.js";
import { cleanupAll, git, makeRepo, tempDir } from "../helpers/fixtures.js";
import { startArchiver, stopArchivers } from "../helpers/mirror.js";

afterEach(async () => {
  await stopArchivers();
  await cleanupAll();
});

/** The pid of a process that ran and exited (dead, and not ours). */
function deadPid(): number {
  const pid = spawnSync("true").pid;
  if (!pid) throw new Error("could not spawn true");
  return pid;
}

function dirWith(path: string, owner?: string): string {
  mkdirSync(join(path, "data"), { recursive: true });
  writeFileSync(join(path, "data", "precious.txt"), "not gitmaint's\n");
  if (owner !== undefined) writeFileSync(join(path, "owner"), owner);
  return path;
}

describe("stale archive staging", () => {
  it("a foreign <out>.tmp-99999 without an owner file (or with someone else's) survives every run; gitmaint's dead staging is removed, journalled", async () => {
    const repo = makeRepo({ bare: true, commits: 3 });
    git(repo, ["repack", "-a", "-d", "-q"]);
    const rig = await startArchiver(repo);
    const out = join(tempDir("out-"), "m.tar");
    const dead = deadPid();
    const other = deadPid();
    const foreign = dirWith(`${out}.tmp-99999`);
    const wrongPid = dirWith(`${out}.tmp-${other}`, `${dead} 12345\n`);
    const garbage = dirWith(`${out}.tmp-${other + 1}`, "hello world\n");
    const ours = dirWith(`${out}.tmp-${dead}`, `${dead} 12345\n`);

    for (let run = 0; run < 2; run++) {
      await rig.archive(out);
      for (const kept of [foreign, wrongPid, garbage]) expect(readFileSync(join(kept, "data", "precious.txt"), "utf8")).toBe("not gitmaint's\n");
      expect(existsSync(ours)).toBe(false);
    }
    const journal = await rig.journal();
    const deletes = journal.filter((e) => e.op === "delete");
    expect(deletes.map((e) => e.details?.path)).toEqual([ours]);
    expect(deletes[0]?.reason).toMatch(/which is dead/);
    for (const kept of [foreign, wrongPid, garbage])
      expect(journal.some((e) => e.op === "note" && e.details?.path === kept && /no owner file written by gitmaint/.test(e.reason))).toBe(true);
  });

  it("journals before removing: a failing journal write removes nothing", async () => {
    const out = join(tempDir("out-"), "m.tar");
    const dead = deadPid();
    const ours = dirWith(`${out}.tmp-${dead}`, `${dead} 777\n`);
    const processes = new ProcessTable();
    const seen: boolean[] = [];
    const failing = { processes, record: async () => Promise.reject(new Error("disk full")) };
    await expect(cleanStaleStaging(failing, "r", out)).rejects.toThrow(/disk full/);
    expect(existsSync(ours)).toBe(true);

    const recording = { processes, record: async () => void seen.push(existsSync(ours)) };
    expect(await cleanStaleStaging(recording, "r", out)).toEqual({ removed: [ours], kept: [] });
    expect(seen).toEqual([true]); // the entry was written while the directory still existed
    expect(existsSync(ours)).toBe(false);
  });
});
