/**
 * A cached /proc scan. The "path -> pids" index over descriptor targets (and working
 * directories) is built lazily on the first `holders()` call and reused for the snapshot's life.
 */
import { resolve } from "node:path";
import type { FdInfo, ProcInfo, ProcSnapshot } from "./types.js";
import type { RawScan } from "./scan.js";

const DELETED = " (deleted)";

/** Normalizes a descriptor target for indexing: drops the kernel's " (deleted)" suffix. */
export function normalizeTarget(target: string): string {
  return target.endsWith(DELETED) ? target.slice(0, -DELETED.length) : target;
}

interface PathIndex {
  byPath: Map<string, Set<number>>;
  /** Sorted keys of byPath, for "everything inside a directory" range queries. */
  sorted: string[];
}

/** The ProcSnapshot implementation over a RawScan. */
export class ProcSnapshotImpl implements ProcSnapshot {
  readonly takenAt: number;
  readonly processes: readonly ProcInfo[];
  /** Whether descriptors were read. Without them every process counts as a possible holder. */
  readonly withFds: boolean;
  readonly fdCount: number;
  readonly #byPid: Map<number, ProcInfo>;
  readonly #fds: Map<number, FdInfo[]>;
  #index: PathIndex | undefined;

  constructor(raw: RawScan, takenAt = Date.now()) {
    this.takenAt = takenAt;
    this.processes = raw.processes;
    this.withFds = raw.withFds;
    this.#fds = raw.fds;
    this.#byPid = new Map(raw.processes.map((p) => [p.pid, p]));
    let count = 0;
    for (const list of raw.fds.values()) count += list.length;
    this.fdCount = count;
  }

  get(pid: number): ProcInfo | undefined {
    return this.#byPid.get(pid);
  }

  fdsOf(pid: number): FdInfo[] {
    return this.#fds.get(pid) ?? [];
  }

  /**
   * Pids holding `path` open: an exact target match (also a deleted file's target), any target
   * inside `path` when it is a directory, and any process whose working directory is there.
   * `uninspectable` lists every process whose descriptors could not be read (all of them when
   * the snapshot was taken without fds).
   */
  holders(path: string): { pids: number[]; uninspectable: number[] } {
    const uninspectable: number[] = [];
    for (const p of this.processes) {
      if (!this.withFds || !p.inspectable) uninspectable.push(p.pid);
    }
    if (!this.withFds) return { pids: [], uninspectable };
    const index = this.#buildIndex();
    const key = stripSlash(resolve(path));
    const pids = new Set<number>(index.byPath.get(key));
    const prefix = key === "/" ? "/" : `${key}/`;
    for (let i = lowerBound(index.sorted, prefix); i < index.sorted.length; i++) {
      const k = index.sorted[i]!;
      if (!k.startsWith(prefix)) break;
      for (const pid of index.byPath.get(k)!) pids.add(pid);
    }
    return { pids: [...pids].sort((a, b) => a - b), uninspectable };
  }

  #buildIndex(): PathIndex {
    if (this.#index) return this.#index;
    const byPath = new Map<string, Set<number>>();
    const add = (target: string, pid: number): void => {
      if (target.charCodeAt(0) !== 47) return; // "socket:[..]", "pipe:[..]", "anon_inode:..."
      const key = normalizeTarget(target);
      let set = byPath.get(key);
      if (!set) byPath.set(key, (set = new Set()));
      set.add(pid);
    };
    for (const [pid, list] of this.#fds) for (const fd of list) add(fd.target, pid);
    for (const p of this.processes) if (p.cwd !== undefined) add(p.cwd, p.pid);
    this.#index = { byPath, sorted: [...byPath.keys()].sort() };
    return this.#index;
  }
}

function stripSlash(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/** First index whose element is >= value (array sorted by default string order). */
function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
