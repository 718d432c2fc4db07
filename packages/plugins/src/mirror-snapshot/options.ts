/** Options of mirror-snapshot (validated by the PluginHost; unknown keys are errors). */
import { z } from "@gitmaint/core";

export const mirrorSnapshotOptionsSchema = z
  .object({
    /** Wait up to this many ms for the repository's `fetch` and `maintenance` locks (0: skip at once when busy). */
    waitMs: z.number().int().nonnegative().default(0),
    /** Whole captures (refs, then objects, then verification) tried before a snapshot is refused. */
    attempts: z.number().int().min(1).max(10).default(3),
    /** Verification depth: `connectivity` (fsck --connectivity-only) or `full` (fsck: also hashes every object). */
    verify: z.enum(["connectivity", "full"]).default("connectivity"),
    /** Time limit of each git step (ms). */
    gitTimeoutMs: z.number().int().positive().default(10 * 60_000),
    /** Daemon: archive every watched repository every this many ms (0: off). */
    scheduleMs: z.number().int().nonnegative().default(0),
    /** Daemon: directory the scheduled archives go to (required with scheduleMs). */
    dir: z.string().min(1).optional(),
    /** Daemon: scheduled archives kept per repository (older ones are removed and journalled). */
    keep: z.number().int().min(1).default(7),
    /** Fault injection for tests only: never set in production. */
    testHooks: z
      .object({
        /** Delete one pack from the staged copy before it is verified (verification must refuse it). */
        deleteStagedPack: z.boolean().optional(),
        /** Sleep this long (ms) after staging, before verification (lets a test kill -9 mid-archive). */
        pauseAfterStageMs: z.number().int().nonnegative().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Validated options with defaults applied. */
export type MirrorSnapshotOptions = z.output<typeof mirrorSnapshotOptionsSchema>;
