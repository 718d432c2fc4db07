/** The fd-leak-guard's state: samples, trends, alerts (once per crossing), and its reports. */
import type { PluginContext, Repository } from "@gitmaint/core";
import type { FdGuardOptions } from "./options.js";
import { deletedHolders, openFilesLimit, targets, type DeletedHolder } from "./probe.js";
import { SampleWindows, slopePerHour } from "./trend.js";

export interface ProcessReport {
  pid: number;
  name: string;
  role: string;
  fds: number;
  limit: number | undefined;
  perHour: number;
}

export interface RepoReport {
  processes: ProcessReport[];
  deleted: DeletedHolder[];
  pinnedBytes: number;
}

export class FdGuard {
  readonly #windows: SampleWindows;
  readonly #alerted = new Set<string>();
  #lastProcesses: ProcessReport[] = [];
  readonly #lastDeleted = new Map<string, DeletedHolder[]>();

  constructor(private readonly ctx: PluginContext<FdGuardOptions>) {
    this.#windows = new SampleWindows(ctx.options.windowSamples);
  }

  /** Samples descriptor counts; alerts on growth and on nearing the limit. */
  async sample(): Promise<ProcessReport[]> {
    const o = this.ctx.options;
    const seen = new Set<string>();
    const reports: ProcessReport[] = [];
    for (const t of await targets(this.ctx.processes, o.watch)) {
      const fds = this.ctx.processes.fdsOf(t.pid);
      const ticks = this.ctx.processes.startTicksOf(t.pid);
      if (!fds || ticks === undefined) continue;
      const key = `${t.pid}:${ticks}`;
      seen.add(key);
      const window = this.#windows.add(key, { at: Date.now(), fds: fds.length });
      const perHour = slopePerHour(window);
      const report = { pid: t.pid, name: t.name, role: t.role, fds: fds.length, limit: openFilesLimit(t.pid), perHour };
      reports.push(report);
      // a trend needs a full window: a process opening its first files is not a leak
      this.#alertOnce(`growth:${key}`, perHour > o.growthAlertPerHour && window.length >= o.windowSamples, () =>
        `${t.name} (pid ${t.pid}): descriptors growing ${Math.round(perHour)}/h (now ${fds.length}) — a leak?`,
      );
      this.#alertOnce(`limit:${key}`, report.limit !== undefined && fds.length > report.limit * o.limitAlertRatio, () =>
        `${t.name} (pid ${t.pid}): ${fds.length} descriptors, ${Math.round((fds.length / report.limit!) * 100)} % of its limit ${report.limit}`,
      );
    }
    this.#windows.retain(seen);
    this.#lastProcesses = reports;
    return reports;
  }

  /** Finds descriptors held on deleted files in each repository; alerts when they pin too much. */
  async scanDeleted(repos: readonly Repository[]): Promise<Map<string, DeletedHolder[]>> {
    const snapshot = await this.ctx.processes.scan({ fds: true });
    for (const repo of repos) {
      const held = deletedHolders(repo, snapshot, this.ctx.processes);
      this.#lastDeleted.set(repo.id, held);
      const pinned = held.reduce((n, h) => n + h.bytes, 0);
      const pids = [...new Set(held.map((h) => h.pid))];
      this.#alertOnce(`pinned:${repo.id}`, pinned > this.ctx.options.pinnedAlertBytes, () =>
        `${repo.name}: ${pids.length} process(es) (pids ${pids.slice(0, 5).join(", ")}) hold deleted files pinning ${pinned} bytes`,
        repo.id,
      );
    }
    return this.#lastDeleted;
  }

  report(repo: Repository): RepoReport {
    const deleted = this.#lastDeleted.get(repo.id) ?? [];
    return { processes: this.#lastProcesses, deleted, pinnedBytes: deleted.reduce((n, h) => n + h.bytes, 0) };
  }

  #alertOnce(key: string, condition: boolean, message: () => string, repo?: string): void {
    if (!condition) {
      this.#alerted.delete(key);
      return;
    }
    if (this.#alerted.has(key)) return;
    this.#alerted.add(key);
    const text = message();
    for (const r of repo ? [repo] : this.ctx.repos.list().map((x) => x.id)) this.ctx.action(r, { kind: "alerted", message: text });
    if (!repo && this.ctx.repos.list().length === 0) this.ctx.logger.warn(text);
  }
}
