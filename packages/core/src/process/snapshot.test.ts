import { describe, expect, it } from "vitest";
import { ProcSnapshotImpl } from "./snapshot.js";
import type { FdInfo, ProcInfo } from "./types.js";

function proc(pid: number, extra: Partial<ProcInfo> = {}): ProcInfo {
  return { pid, ppid: 1, startTime: 0, startTicks: 0, comm: `p${pid}`, argv: [], cwd: "/", inspectable: true, state: "S", ...extra };
}

function snapshot(fds: Record<number, string[]>, extra: ProcInfo[] = [], withFds = true): ProcSnapshotImpl {
  const map = new Map<number, FdInfo[]>();
  const processes = [...extra];
  for (const [pid, targets] of Object.entries(fds)) {
    map.set(Number(pid), targets.map((target, fd) => ({ pid: Number(pid), fd, target })));
    processes.push(proc(Number(pid)));
  }
  return new ProcSnapshotImpl({ processes, fds: map, withFds });
}

describe("ProcSnapshot.holders", () => {
  const snap = snapshot(
    {
      10: ["/r/objects/pack/tmp_pack_a", "socket:[123]", "pipe:[9]"],
      11: ["/r/objects/pack/tmp_pack_b (deleted)"],
      12: ["/r/objects/incoming-x/pack/tmp_pack_c"],
      13: ["/r/objects/incoming-xy/f"],
    },
    [proc(20, { inspectable: false }), proc(21, { cwd: "/r/objects/tmp_objdir-1/sub" })],
  );

  it("matches exact targets and deleted ones", () => {
    expect(snap.holders("/r/objects/pack/tmp_pack_a").pids).toEqual([10]);
    expect(snap.holders("/r/objects/pack/tmp_pack_b").pids).toEqual([11]);
    expect(snap.holders("/r/objects/pack/tmp_pack_z").pids).toEqual([]);
  });

  it("matches everything inside a directory, but not a sibling sharing its prefix", () => {
    expect(snap.holders("/r/objects/incoming-x").pids).toEqual([12]);
    expect(snap.holders("/r/objects/incoming-x/").pids).toEqual([12]);
    expect(snap.holders("/r/objects").pids).toEqual([10, 11, 12, 13, 21]);
  });

  it("counts a working directory inside the path", () => {
    expect(snap.holders("/r/objects/tmp_objdir-1").pids).toEqual([21]);
  });

  it("always reports uninspectable processes", () => {
    expect(snap.holders("/anything").uninspectable).toEqual([20]);
    expect(snap.fdCount).toBe(6);
    expect(snap.fdsOf(10).map((f) => f.target)).toContain("socket:[123]");
    expect(snap.fdsOf(99)).toEqual([]);
  });

  it("treats every process as a possible holder when taken without fds", () => {
    const bare = snapshot({}, [proc(5), proc(6)], false);
    expect(bare.holders("/r/x")).toEqual({ pids: [], uninspectable: [5, 6] });
  });
});
