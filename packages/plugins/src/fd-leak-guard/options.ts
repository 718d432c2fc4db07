import { z } from "@gitmaint/core";

export const fdGuardOptionsSchema = z
  .object({
    /** How often descriptor counts are sampled (gitmaint, its git children, configured processes). */
    sampleIntervalMs: z.number().int().positive().default(30_000),
    /** How often all processes are scanned for descriptors held on deleted packs (a full fd scan). */
    deletedScanIntervalMs: z.number().int().positive().default(300_000),
    /** Samples kept per process for the growth trend. */
    windowSamples: z.number().int().min(3).max(1000).default(20),
    /** Alert when a process's descriptor count grows faster than this (least-squares slope). */
    growthAlertPerHour: z.number().positive().default(200),
    /** Alert when a process uses more than this fraction of its open-files limit. */
    limitAlertRatio: z.number().positive().max(1).default(0.8),
    /** Alert when deleted packs held open pin more than this many bytes in one repository. */
    pinnedAlertBytes: z.number().int().nonnegative().default(100 * 1024 * 1024),
    /** Other processes to watch, by pid or by a regular expression on their command line. */
    watch: z
      .array(z.object({ name: z.string().min(1), pid: z.number().int().positive().optional(), match: z.string().min(1).optional() }).strict())
      .default([]),
  })
  .strict();

export type FdGuardOptions = z.output<typeof fdGuardOptionsSchema>;
