import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Repository } from "../repo/types.js";
import { ProcSnapshotImpl } from "./snapshot.js";
import { ProcessTable, uninspectableAncestors } from "./table.js";
import type { ProcInfo } from "./types.js";

function proc(pid: number, ppid: number, inspectable: boolean): ProcInfo {
  return { pid, ppid, startTime: 0, startTicks: 0, comm: `p${pid}`, argv: [], cwd: undefined, inspectable, state: "S" };
}

describe("uninspectableAncestors", () => {
  it("lists only uninspectable processes on our own ppid chain", () => {
    // 1 (shielded init) -> 5 (sudo, shielded) -> 9 (shell) -> 42 (us); 7 is shielded but unrelated.
    const snap = new ProcSnapshotImpl({
      processes: [proc(1, 0, false), proc(5, 1, false), proc(7, 1, false), proc(9, 5, true), proc(42, 9, true)],
      fds: new Map(),
      withFds: true,
    });
    expect([...uninspectableAncestors(snap, 42)].sort()).toEqual([1, 5]);
    expect([...uninspectableAncestors(snap, 7)]).toEqual([1]);
    expect([...uninspectableAncestors(snap, 999)]).toEqual([]);
  });

  it("stops on a ppid cycle", () => {
    const snap = new ProcSnapshotImpl({ processes: [proc(2, 3, false), proc(3, 2, false)], fds: new Map(), withFds: true });
    expect([...uninspectableAncestors(snap, 2)].sort()).toEqual([2, 3]);
  });
});

describe("gitProcessesFor on one snapshot", () => {
  /** A fake procfs: pid -> { comm, argv, cwd, env }. */
  function fakeProc(root: string, procs: Record<number, { comm: string; argv: string[]; cwd: string; env: Record<string, string> }>): void {
    const stat = (pid: number, comm: string) => `${pid} (${comm}) S 1 ${Array.from({ length: 48 }, (_, i) => (i === 17 ? "500" : "0")).join(" ")}\n`;
    mkdirSync(join(root, "self"), { recursive: true });
    writeFileSync(join(root, "self/stat"), stat(1, "self"));
    writeFileSync(join(root, "stat"), "cpu 0\nbtime 1700000000\n");
    for (const [pid, p] of Object.entries(procs)) {
      const dir = join(root, pid);
      mkdirSync(dir);
      writeFileSync(join(dir, "stat"), stat(Number(pid), p.comm));
      writeFileSync(join(dir, "cmdline"), p.argv.map((a) => `${a}\0`).join(""));
      writeFileSync(join(dir, "environ"), Object.entries(p.env).map(([k, v]) => `${k}=${v}\0`).join(""));
      symlinkSync(p.cwd, join(dir, "cwd"));
    }
  }

  function repoAt(dir: string): Repository {
    const gitDir = join(dir, ".git");
    mkdirSync(join(gitDir, "objects/pack"), { recursive: true });
    return { id: gitDir, gitDir, commonDir: gitDir, objectsDir: join(gitDir, "objects"), packDir: join(gitDir, "objects/pack"), workTree: dir, bare: false, name: "r" };
  }

  it("reads each git process's environment once per snapshot and matches every repository against it", async () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), "gm-fakeproc-")));
    try {
      const a = repoAt(join(base, "a"));
      const b = repoAt(join(base, "b"));
      const elsewhere = join(base, "elsewhere");
      mkdirSync(elsewhere);
      const root = join(base, "proc");
      fakeProc(root, {
        100: { comm: "git", argv: ["git", "cat-file", "--batch"], cwd: a.workTree!, env: {} },
        101: { comm: "git", argv: ["git", "repack", "-d"], cwd: elsewhere, env: { GIT_DIR: b.gitDir } },
        102: { comm: "bash", argv: ["bash"], cwd: a.workTree!, env: {} },
      });
      const table = new ProcessTable({ procRoot: root });
      const snap = await table.scan();
      expect((await table.gitProcessesFor(a, snap)).map((p) => [p.pid, p.match])).toEqual([[100, "certain"]]);
      // 101's environment is gone now: the snapshot still knows what it was (read once, above)
      rmSync(join(root, "101/environ"));
      expect((await table.gitProcessesFor(b, snap)).map((p) => [p.pid, p.role, p.match])).toEqual([[101, "repack", "certain"]]);
      // a new snapshot reads it again (a vanished environ means the process is gone)
      expect(await table.gitProcessesFor(b, await table.scan())).toEqual([]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
