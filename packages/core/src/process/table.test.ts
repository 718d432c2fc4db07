import { describe, expect, it } from "vitest";
import { ProcSnapshotImpl } from "./snapshot.js";
import { uninspectableAncestors } from "./table.js";
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
