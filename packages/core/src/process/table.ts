/**
 * ProcessTable: Linux /proc as gitmaint sees it — processes, descriptors, git processes working
 * on a repository, the liveness proof for temporary files, and the registry of gitmaint's own
 * git children. Without /proc every scan is empty and liveness never says "dead".
 */
import { readFileSync } from "node:fs";
import type { Repository } from "../repo/types.js";
import type { TmpEntry } from "../repo/tmpfiles-types.js";
import { isGitProcess, parseGitArgv, type GitInvocation } from "./git-argv.js";
import { matchGitProcess, parseEnviron, repoDirsOf, type MatchCache } from "./git-match.js";
import { provesDead } from "./liveness.js";
import { bootTimeMs, clockTicksPerSecond, errnoOf, isGone, parseProcStat, readProcFile } from "./procfs.js";
import { readMappedFiles, type MappedFile } from "./maps.js";
import { readFds, scanProc, type ScanContext } from "./scan.js";
import { normalizeTarget, ProcSnapshotImpl } from "./snapshot.js";
import type {
  FdInfo,
  GitProcInfo,
  LivenessOptions,
  LivenessVerdict,
  OwnedChild,
  ProcessTableApi,
  ProcInfo,
  ProcSnapshot,
  ScanRequest,
} from "./types.js";

export interface ProcessTableOptions {
  /** Where procfs is mounted (tests point this elsewhere to simulate a platform without it). */
  procRoot?: string;
  /**
   * Whether uninspectable ANCESTORS of this process (e.g. a container's init, sudo, sshd: session
   * infrastructure owned by root or shielded by an LSM) are exempt from "an uninspectable process
   * might hold the file". Every other uninspectable process still counts. Default true: without
   * it, one protected pid 1 (as in some sandboxes, even for root) makes liveness never say dead.
   * Set false for the strict rule.
   */
  trustUninspectableAncestors?: boolean;
}

/** A snapshot's git processes, prepared for matching (see `ProcessTable.#gitsOf`). */
interface SnapshotGits {
  list: Array<{
    proc: ProcInfo;
    /** `proc` with its cwd normalized (no " (deleted)" suffix). */
    forMatch: ProcInfo;
    inv: GitInvocation;
    env: Map<string, string> | undefined;
    parentCwd: string | undefined;
  }>;
  /** realpath and git-dir discovery results; they do not depend on the repository asked about. */
  cache: MatchCache;
}

/** The /proc-backed ProcessTableApi. */
export class ProcessTable implements ProcessTableApi {
  readonly supported: boolean;
  /** Why liveness cannot be proven here (no /proc, hidden pids), or undefined when it can. */
  readonly unsupportedReason: string | undefined;
  readonly #procRoot: string;
  readonly #trustAncestors: boolean;
  readonly #ticksPerSecond: number;
  #bootMs: number;
  readonly #children = new Map<number, { child: OwnedChild; startTicks: number | undefined }>();
  /** The latest scan, for callers that accept a recent one (`maxAgeMs`). */
  #recent: { snapshot: ProcSnapshot; takenAt: number; withFds: boolean } | undefined;
  readonly #gits = new WeakMap<ProcSnapshot, SnapshotGits>();

  constructor(options: ProcessTableOptions = {}) {
    this.#procRoot = options.procRoot ?? "/proc";
    this.#trustAncestors = options.trustUninspectableAncestors ?? true;
    this.supported = canRead(`${this.#procRoot}/self/stat`);
    this.#ticksPerSecond = this.supported ? clockTicksPerSecond(this.#procRoot) : 100;
    this.#bootMs = (this.supported && bootTimeMs(this.#procRoot)) || 0;
    if (!this.supported) this.unsupportedReason = "no /proc: cannot prove";
    else if (this.#procRoot === "/proc" && hidesOtherProcesses()) {
      this.unsupportedReason = "/proc hides other users' processes (hidepid): cannot prove";
    }
  }

  async scan(options: ScanRequest = {}): Promise<ProcSnapshot> {
    const withFds = options.fds ?? false;
    if (!this.supported) return new ProcSnapshotImpl({ processes: [], fds: new Map(), withFds });
    const maxAge = options.maxAgeMs ?? 0;
    const recent = this.#recent;
    if (maxAge > 0 && recent && Date.now() - recent.takenAt <= maxAge && (recent.withFds || !withFds)) return recent.snapshot;
    this.#bootMs = bootTimeMs(this.#procRoot) ?? this.#bootMs;
    const ctx: ScanContext = { procRoot: this.#procRoot, bootMs: this.#bootMs, ticksPerSecond: this.#ticksPerSecond };
    const takenAt = Date.now();
    const snapshot = new ProcSnapshotImpl(await scanProc(ctx, withFds));
    this.#recent = { snapshot, takenAt, withFds };
    return snapshot;
  }

  isAlive(pid: number): boolean {
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if (errnoOf(error) !== "EPERM") return false;
    }
    if (!this.supported) return true;
    const state = this.#stat(pid)?.state;
    // Gone since kill(): dead. A zombie has exited (only its exit status is left).
    return state !== undefined && state !== "Z" && state !== "X";
  }

  startTicksOf(pid: number): number | undefined {
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    return this.#stat(pid)?.startTicks;
  }

  mappedFilesOf(pid: number): MappedFile[] | undefined {
    if (!this.supported || !Number.isInteger(pid) || pid <= 0) return undefined;
    return readMappedFiles(this.#procRoot, pid);
  }

  fdsOf(pid: number): FdInfo[] | undefined {
    if (!this.supported || !Number.isInteger(pid) || pid <= 0) return undefined;
    const fds = readFds(`${this.#procRoot}/${pid}`, pid);
    if (fds === "denied") return undefined;
    if (fds.length === 0 && !this.isAlive(pid)) return undefined;
    return fds;
  }

  envOf(pid: number, name: string): string | undefined {
    const env = this.#environ(pid);
    return env instanceof Map ? env.get(name) : undefined;
  }

  async gitProcessesFor(repo: Repository, snapshot?: ProcSnapshot): Promise<GitProcInfo[]> {
    const snap = snapshot ?? (await this.scan({ fds: false }));
    const gits = this.#gitsOf(snap);
    if (gits.list.length === 0) return []; // the idle case: no realpath of the repository's dirs
    const dirs = repoDirsOf(repo);
    const out: GitProcInfo[] = [];
    for (const g of gits.list) {
      const match = matchGitProcess(g.forMatch, g.inv, g.env, g.parentCwd, dirs, gits.cache);
      if (match !== "other") out.push({ ...g.proc, role: g.inv.role, match });
    }
    return out;
  }

  /**
   * The live git processes of a snapshot with what matching needs (environment, parsed argv,
   * normalized cwds), read once per snapshot: a daemon asks about every repository against the
   * same snapshot, and a reap pass asks once per candidate.
   */
  #gitsOf(snap: ProcSnapshot): SnapshotGits {
    let gits = this.#gits.get(snap);
    if (gits) return gits;
    gits = { list: [], cache: new Map() };
    for (const proc of snap.processes) {
      if (proc.state === "Z" || proc.state === "X" || !isGitProcess(proc.argv, proc.comm)) continue;
      const env = this.#environ(proc.pid);
      if (env === "gone") continue;
      const cwd = proc.cwd === undefined ? undefined : normalizeTarget(proc.cwd);
      const parent = snap.get(proc.ppid)?.cwd;
      const parentCwd = parent === undefined ? undefined : normalizeTarget(parent);
      gits.list.push({ proc, forMatch: { ...proc, cwd }, inv: parseGitArgv(proc.argv, proc.comm), env, parentCwd });
    }
    this.#gits.set(snap, gits);
    return gits;
  }

  liveness(repo: Repository, entry: TmpEntry, options?: LivenessOptions): Promise<LivenessVerdict> {
    return provesDead(
      {
        unsupportedReason: () => this.unsupportedReason,
        isAlive: (pid) => this.isAlive(pid),
        startTicksOf: (pid) => this.startTicksOf(pid),
        scanWithFds: () => this.scan({ fds: true }),
        gitProcessesFor: (r, s) => this.gitProcessesFor(r, s),
        trustedUninspectable: (s) => (this.#trustAncestors ? uninspectableAncestors(s) : new Set()),
      },
      repo,
      entry,
      options,
    );
  }

  registerChild(child: OwnedChild): void {
    this.#children.set(child.pid, { child, startTicks: this.startTicksOf(child.pid) });
  }

  unregisterChild(pid: number): void {
    this.#children.delete(pid);
  }

  /** Registered children still alive (same pid and start time as when registered). */
  ownedChildren(): OwnedChild[] {
    const out: OwnedChild[] = [];
    for (const { child, startTicks } of this.#children.values()) {
      if (!this.isAlive(child.pid)) continue;
      if (startTicks !== undefined && this.startTicksOf(child.pid) !== startTicks) continue;
      out.push(child);
    }
    return out;
  }

  #stat(pid: number) {
    try {
      return parseProcStat(readProcFile(`${this.#procRoot}/${pid}/stat`));
    } catch {
      return undefined;
    }
  }

  /** The environment of a process; undefined when unreadable, "gone" when the process is gone. */
  #environ(pid: number): Map<string, string> | undefined | "gone" {
    if (!this.supported) return undefined;
    try {
      return parseEnviron(readProcFile(`${this.#procRoot}/${pid}/environ`));
    } catch (error) {
      return isGone(error) ? "gone" : undefined;
    }
  }
}

/** Uninspectable processes among our own ancestors (walking ppid from process.pid). */
export function uninspectableAncestors(snapshot: ProcSnapshot, pid = process.pid): Set<number> {
  const out = new Set<number>();
  const seen = new Set<number>();
  for (let p = snapshot.get(pid)?.ppid; p !== undefined && p > 0 && !seen.has(p); p = snapshot.get(p)?.ppid) {
    seen.add(p);
    const proc = snapshot.get(p);
    if (proc && !proc.inspectable) out.add(p);
  }
  return out;
}

function canRead(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

/** True when /proc is mounted with hidepid=2/invisible and we are not root: others are hidden. */
function hidesOtherProcesses(): boolean {
  if (process.getuid?.() === 0) return false;
  try {
    return readFileSync("/proc/self/mounts", "utf8")
      .split("\n")
      .some((line) => {
        const [, mountPoint, type, opts = ""] = line.split(" ");
        return mountPoint === "/proc" && type === "proc" && /(^|,)hidepid=(2|invisible)(,|$)/.test(opts);
      });
  } catch {
    return false;
  }
}
