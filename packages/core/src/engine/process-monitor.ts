/**
 * Periodically scans /proc (one scan for all repositories, no fds) and emits `process.seen` /
 * `process.gone` for external git processes working on the watched repositories.
 */
import type { BusLike } from "../events/bus.js";
import type { GitProcInfo, ProcessTableApi } from "../process/types.js";
import type { Repository } from "../repo/types.js";

export class ProcessMonitor {
  readonly #known = new Map<string, Map<string, GitProcInfo>>();
  #timer: NodeJS.Timeout | undefined;
  #scanning = false;

  constructor(
    private readonly processes: ProcessTableApi,
    private readonly bus: BusLike,
    private readonly repos: () => Repository[],
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (!this.processes.supported || this.#timer) return;
    this.#timer = setInterval(() => void this.scanOnce(), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  forget(repoId: string): void {
    this.#known.delete(repoId);
  }

  /** One scan; returns when events were emitted. */
  async scanOnce(): Promise<void> {
    if (this.#scanning) return;
    this.#scanning = true;
    try {
      // share a recent scan with other pollers (e.g. aggregate-during-repack's repack detection)
      const snapshot = await this.processes.scan({ fds: false, maxAgeMs: this.intervalMs / 2 });
      const ours = new Set(this.processes.ownedChildren().map((c) => c.pid));
      for (const repo of this.repos()) {
        const found = await this.processes.gitProcessesFor(repo, snapshot);
        const now = new Map<string, GitProcInfo>();
        for (const p of found) if (!ours.has(p.pid) && p.match === "certain") now.set(`${p.pid}:${p.startTicks}`, p);
        const before = this.#known.get(repo.id) ?? new Map<string, GitProcInfo>();
        const at = Date.now();
        for (const [key, p] of now)
          if (!before.has(key))
            this.bus.emit("process.seen", { repo: repo.id, at, pid: p.pid, startTime: p.startTime, argv: p.argv, role: p.role });
        for (const [key, p] of before)
          if (!now.has(key))
            this.bus.emit("process.gone", { repo: repo.id, at, pid: p.pid, startTime: p.startTime, argv: p.argv, role: p.role });
        this.#known.set(repo.id, now);
      }
    } catch (error) {
      this.bus.emit("log", { at: Date.now(), level: "warn", message: `process scan failed: ${String(error)}` });
    } finally {
      this.#scanning = false;
    }
  }
}
