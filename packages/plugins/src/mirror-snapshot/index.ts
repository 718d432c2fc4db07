/**
 * mirror-snapshot: consistent, verified archives of live (bare/mirror) repositories, and their
 * verified restore. Refs are resolved first by git into one list, objects copied after (objects
 * are only ever added), the staged copy is verified (refs match, resolve, connectivity) and only
 * then published by rename with a sha256 sidecar. See README.md.
 */
import { definePlugin, UsageError } from "@gitmaint/core";
import { captureRefs } from "./capture.js";
import { mirrorSnapshotOptionsSchema } from "./options.js";
import { restoreArchive } from "./restore.js";
import { scheduledSnapshot } from "./schedule.js";
import { takeSnapshot } from "./snapshot.js";

export { mirrorSnapshotOptionsSchema, type MirrorSnapshotOptions } from "./options.js";
export { ArchiveError, type ArchiveFailure } from "./errors.js";
export { restoreArchive, type RestoreRequest, type RestoreResult, type RestoreServices } from "./restore.js";
export { takeSnapshot, type SnapshotRequest, type SnapshotResult } from "./snapshot.js";

function stringArg(args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw new UsageError(`archive: ${key} must be a path`);
  return value;
}

export default definePlugin({
  name: "mirror-snapshot",
  apiVersion: 1,
  description: "consistent, verified archives of live bare/mirror repositories (gitmaint archive), and verified restore",
  options: mirrorSnapshotOptionsSchema,
  setup(ctx) {
    const { scheduleMs, dir } = ctx.options;
    if (scheduleMs > 0) {
      if (!dir) throw new UsageError("mirror-snapshot: scheduleMs needs dir (where to keep the archives)");
      ctx.every(scheduleMs, async (signal) => {
        for (const repo of ctx.repos.list()) await scheduledSnapshot(ctx, repo, dir, signal);
      });
    }
    return {
      async run(repo, options) {
        const restore = stringArg(options.args, "restore");
        if (restore !== undefined) {
          const to = stringArg(options.args, "to");
          if (!to) throw new UsageError("archive: --restore needs --to DIR");
          const result = await restoreArchive(
            { git: ctx.git, processes: ctx.processes, journal: ctx.journal },
            { archive: restore, to, signal: options.signal, depth: ctx.options.verify, gitTimeoutMs: ctx.options.gitTimeoutMs },
          );
          return { summary: `restored ${result.refs} refs, ${result.objects} objects into ${result.restored} (verified)`, data: result };
        }
        const out = stringArg(options.args, "out");
        if (!out) {
          // `run --once`, the TUI: archive into the configured dir, or nothing to do.
          if (!dir) return { summary: "no archive asked (gitmaint archive --out FILE, or set plugins.mirror-snapshot.dir)" };
          if (options.dryRun) return { summary: `would archive into ${dir}` };
          const result = await scheduledSnapshot(ctx, repo, dir, options.signal);
          return result ? { summary: `archived ${result.refs} refs to ${result.archive} (verified)`, data: result } : { summary: "skipped: repository busy" };
        }
        const allowEmpty = options.args.allowEmpty === true;
        const waitMs = typeof options.args.waitMs === "number" ? options.args.waitMs : undefined;
        if (options.dryRun) {
          const capture = await captureRefs(repo, { git: ctx.git, timeoutMs: ctx.options.gitTimeoutMs, signal: options.signal });
          return { summary: `would archive ${capture.refs.length} refs to ${out}`, data: { archive: out, refs: capture.refs.length, dryRun: true } };
        }
        const result = await takeSnapshot(ctx, repo, { out, allowEmpty, signal: options.signal, ...(waitMs !== undefined ? { waitMs } : {}) });
        return {
          summary: `archived ${result.refs} refs, ${result.objects} objects to ${result.archive} (${result.bytes} bytes, verified, sha256 ${result.sha256.slice(0, 12)})`,
          data: result,
        };
      },
    };
  },
});
