import { describe, expect, it } from "vitest";
import type { GitProcInfo, ProcessTableApi, ProcInfo, ProcSnapshot } from "../process/types.js";
import type { Repository } from "../repo/types.js";
import type { LockFileInfo } from "./lockfile.js";
import { judgeGitMaintenanceLock, judgeGitmaintLock, type JudgeContext } from "./verdict.js";

// Edge cases that cannot be produced for real here: processes we may not inspect, no /proc.
const repo = { id: "/r/.git", commonDir: "/r/.git", objectsDir: "/r/.git/objects" } as Repository;
const proc = (pid: number, argv: string[], comm = "git"): ProcInfo => ({
  pid, ppid: 1, startTime: 0, startTicks: 5, comm, argv, cwd: undefined, inspectable: false, state: "S",
});

function fakeProcesses(opts: { supported?: boolean; holders?: number[]; uninspectable?: ProcInfo[]; gits?: GitProcInfo[] }): ProcessTableApi {
  const all = opts.uninspectable ?? [];
  const snapshot: ProcSnapshot = {
    takenAt: 0,
    processes: all,
    get: (pid) => all.find((p) => p.pid === pid),
    holders: () => ({ pids: opts.holders ?? [], uninspectable: all.map((p) => p.pid) }),
    fdsOf: () => [],
    fdCount: 0,
  };
  return {
    supported: opts.supported ?? true,
    scan: () => Promise.resolve(snapshot),
    isAlive: (pid: number) => pid === 42,
    startTicksOf: (pid: number) => (pid === 42 ? 5 : undefined),
    gitProcessesFor: () => Promise.resolve(opts.gits ?? []),
  } as unknown as ProcessTableApi;
}

const ctx = (processes: ProcessTableApi): JudgeContext => ({
  processes, host: "h", selfStartTicks: 1, ownedHere: () => false,
  gitLockStaleMs: 60_000, foreignHostStaleMs: 86_400_000, now: 1_000_000,
});
const emptyLock = (mtimeMs: number): LockFileInfo => ({
  path: "/r/.git/objects/maintenance.lock", text: "", holder: undefined, size: 0, mtimeMs, identity: "x",
});

describe("judgeGitMaintenanceLock", () => {
  it("without /proc an empty git lock is never judged stale", async () => {
    const v = await judgeGitMaintenanceLock(repo, emptyLock(0), ctx(fakeProcesses({ supported: false })));
    expect(v.stale).toBe(false);
    expect(v.reason).toMatch(/cannot inspect processes/);
  });

  it("an uninspectable git process counts as a holder; other uninspectable processes do not", async () => {
    const git = proc(7, ["/usr/lib/git-core/git", "-C", "/r", "maintenance", "run"]);
    const v = await judgeGitMaintenanceLock(repo, emptyLock(0), ctx(fakeProcesses({ uninspectable: [git] })));
    expect(v).toMatchObject({ stale: false, who: "git maintenance (pid 7, not inspectable)" });
    const sshd = proc(8, ["sshd"], "sshd");
    expect((await judgeGitMaintenanceLock(repo, emptyLock(0), ctx(fakeProcesses({ uninspectable: [sshd] })))).stale).toBe(true);
  });

  it("a live git gc on the repo keeps it; our JSON with a live holder keeps it", async () => {
    const gc = { ...proc(9, ["git", "gc"]), role: "gc", match: "possible" } as GitProcInfo;
    expect((await judgeGitMaintenanceLock(repo, emptyLock(0), ctx(fakeProcesses({ gits: [gc] })))).who).toBe("git gc (pid 9)");
    const json = { ...emptyLock(0), holder: { pid: 42, startTicks: 5, host: "h", owner: "o", acquiredAt: 1 } };
    expect((await judgeGitMaintenanceLock(repo, json, ctx(fakeProcesses({})))).stale).toBe(false);
    const reused = { ...json, holder: { ...json.holder, startTicks: 6 } };
    expect((await judgeGitmaintLock(reused, ctx(fakeProcesses({})))).reason).toMatch(/pid 42 was reused/);
  });
});
