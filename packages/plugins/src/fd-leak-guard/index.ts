/**
 * fd-leak-guard: watches descriptor use of gitmaint, its git children and configured processes
 * (growth trends, nearness to the open-files limit), and finds processes holding deleted pack
 * files open — disk that `df` counts but no directory shows. It reports and alerts; it never
 * closes another process's descriptors or kills anything. See README.md.
 */
import { definePlugin } from "@gitmaint/core";
import { FdGuard } from "./guard.js";
import { fdGuardOptionsSchema } from "./options.js";

export { fdGuardOptionsSchema, type FdGuardOptions } from "./options.js";
export type { ProcessReport, RepoReport } from "./guard.js";

export default definePlugin({
  name: "fd-leak-guard",
  apiVersion: 1,
  description: "watches descriptor growth of gitmaint and its children; finds deleted packs held open (pinned disk)",
  options: fdGuardOptionsSchema,
  setup(ctx) {
    const guard = new FdGuard(ctx);
    ctx.every(ctx.options.sampleIntervalMs, async () => {
      await guard.sample();
    });
    ctx.every(ctx.options.deletedScanIntervalMs, async () => {
      await guard.scanDeleted(ctx.repos.list());
    });
    return {
      async run(repo) {
        await guard.sample();
        await guard.scanDeleted([repo]);
        const report = guard.report(repo);
        const pids = new Set(report.deleted.map((d) => d.pid));
        return {
          summary: `${report.processes.length} processes sampled; ${report.deleted.length} deleted files held open by ${pids.size} processes, pinning ${report.pinnedBytes} bytes`,
          data: report,
        };
      },
      async status(repo) {
        const report = guard.report(repo);
        return {
          summary: `${report.deleted.length} deleted files held open (${report.pinnedBytes} bytes pinned); gitmaint ${report.processes.find((p) => p.role === "gitmaint")?.fds ?? "?"} fds`,
          data: { ...report },
        };
      },
    };
  },
});
