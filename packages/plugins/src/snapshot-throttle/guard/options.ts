/** Options of the snapshot-throttle guard (validated by the PluginHost; unknown keys are errors). */
import { z } from "@gitmaint/core";

const ms = z.number().int().nonnegative();

/** Where opencode keeps its per-project snapshot git dirs. */
export const DEFAULT_ROOT = "~/.local/share/opencode/snapshot/*";

export const guardOptionsSchema = z
  .object({
    /** Globs (`~`, `*`, `?`) of side git dirs to watch, in addition to DEFAULT_ROOT when it exists. */
    roots: z.array(z.string().min(1)).default([]),
    /** Watch DEFAULT_ROOT when it exists (default true). */
    includeDefaultRoot: z.boolean().default(true),
    /** An external git process on a watched dir running longer than this is stopped. */
    maxRuntimeMs: ms.default(120_000),
    /** Alert when a watched dir grows faster than this many bytes per hour. */
    maxGrowthPerHourBytes: ms.default(2 * 1024 ** 3),
    /** Period of the process scan. */
    scanIntervalMs: z.number().int().positive().default(10_000),
    /** Period of the size samples (growth); a sample walks the dir's objects. */
    growthSampleMs: z.number().int().positive().default(5 * 60_000),
    /** Delay between SIGTERM and SIGKILL. */
    killGraceMs: ms.default(5_000),
    /** When a watched dir is idle: run the reaper and a cheap `git repack -d --geometric=2` on it. */
    idleMaintenance: z.boolean().default(false),
    /** A dir counts as idle after no size change and no git process for this long. */
    idleAfterMs: ms.default(10 * 60_000),
  })
  .strict();

/** Validated options with defaults applied. */
export type GuardOptions = z.output<typeof guardOptionsSchema>;
