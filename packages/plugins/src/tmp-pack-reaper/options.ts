/** Options of tmp-pack-reaper (validated by the PluginHost; unknown keys are errors). */
import { z } from "@gitmaint/core";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const duration = z.number().int().nonnegative();

/** Default grace per kind group (see README: tmp 2 min, locks 15 min, ref locks 1 h). */
export const DEFAULT_MIN_AGE = { tmp: 2 * MINUTE, lock: 15 * MINUTE, refLock: HOUR } as const;

export const reaperOptionsSchema = z
  .object({
    /** Minimum age (ms since the newest change) per kind group before a file may be reaped. */
    minAgeMs: z
      .object({
        /** tmp_* files, quarantine dirs, repack staging names, packed-refs.new, transfer .keep, orphan .idx */
        tmp: duration.default(DEFAULT_MIN_AGE.tmp),
        /** known lock files (config.lock, index.lock, maintenance.lock, ...) and gc.pid */
        lock: duration.default(DEFAULT_MIN_AGE.lock),
        /** refs/**\/*.lock and packed-refs.lock */
        refLock: duration.default(DEFAULT_MIN_AGE.refLock),
      })
      .strict()
      .default({ ...DEFAULT_MIN_AGE }),
    /** A transfer `.keep` (or gc.pid) naming another host is reaped only when older than this. */
    transferKeepForeignHostMaxAgeMs: duration.default(7 * DAY),
    /** Period of the sweep over every repository. */
    sweepIntervalMs: z.number().int().positive().default(5 * MINUTE),
    /** On a network filesystem other hosts' writers are invisible: age-only rule with this age. */
    networkFsMinAgeMs: duration.default(DAY),
    /** Clock slack between file times and process start times. */
    slackMs: duration.default(5000),
  })
  .strict();

/** Validated options with defaults applied. */
export type ReaperOptions = z.output<typeof reaperOptionsSchema>;

/** The options with every default (for tests and the README). */
export function defaultReaperOptions(): ReaperOptions {
  return reaperOptionsSchema.parse({});
}
