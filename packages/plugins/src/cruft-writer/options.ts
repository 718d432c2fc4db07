/**
 * cruft-writer's options, every threshold with its default and where the default comes from
 * (see README.md for the reasoning). Validated by the PluginHost; unknown keys are errors.
 */
import { availableParallelism } from "node:os";
import { z } from "@gitmaint/core";

const DAY = 24 * 60 * 60 * 1000;

/** `pack.threads` default: the machine's cores, capped at 4 (bounded memory per thread). */
export const DEFAULT_PACK_THREADS = Math.max(1, Math.min(4, availableParallelism()));

export const optionsSchema = z.strictObject({
  /**
   * Grace period of unreachable objects, as a git approxidate (`--cruft-expiration`,
   * `prune --expire`). Default `2.weeks.ago` = git's `gc.pruneExpire`.
   */
  grace: z.string().min(1).default("2.weeks.ago"),
  /** Minimum time between two automatic full repacks (Gitaly `FullRepackCooldownPeriod`, 5 days). */
  fullRepackCooldownMs: z.number().int().nonnegative().default(5 * DAY),
  /** Pack loose objects above this estimate (Gitaly `looseObjectLimit` 1024; git's `gc.auto` is 6700). */
  looseObjectLimit: z.number().int().positive().default(1024),
  /** Fan-out directories sampled for the loose estimate, starting at `objects/17` like `git gc --auto`. */
  looseSampleDirs: z.number().int().min(1).max(256).default(16),
  /** Geometric repack when there are more non-cruft packs than this (git's `gc.autoPackLimit`, 50). */
  autoPackLimit: z.number().int().positive().default(50),
  /** Geometric repack when more packs than max(this, log_base(size MiB)) are outside the MIDX (Gitaly: 2). */
  minUntrackedPacks: z.number().int().nonnegative().default(2),
  /** Log base of the untracked-pack limit (Gitaly: 1.8). */
  untrackedPackLogBase: z.number().gt(1).default(1.8),
  /** `--geometric=<factor>` (Gitaly: 2). */
  geometricFactor: z.number().int().min(2).default(2),
  /** `pack-refs --all` when loose refs reach max(this, log_base(packed-refs bytes / 100)) (Gitaly: 16). */
  minLooseRefs: z.number().int().positive().default(16),
  /** Log base of the loose-ref limit (Gitaly: 1.15). */
  looseRefsLogBase: z.number().gt(1).default(1.15),
  /** Pass `--write-midx` to geometric and full repacks (Gitaly: yes). */
  writeMidx: z.boolean().default(true),
  /** Pass `-b` to full repacks: "auto" = on bare repositories only. */
  writeBitmaps: z.union([z.boolean(), z.literal("auto")]).default("auto"),
  /** `--max-cruft-size` (git >= 2.43 only; ignored with a warning on older git). Unset by default. */
  maxCruftSize: z.string().min(1).optional(),
  /** After a full repack, `git prune --expire <grace>` removes loose unreachable objects past the grace (as `git gc` does). */
  expireLoose: z.boolean().default(true),
  /** `-c pack.threads=` for every pack-writing step. */
  packThreads: z.number().int().positive().default(DEFAULT_PACK_THREADS),
  /** `-c pack.windowMemory=` (per thread) for every pack-writing step. */
  packWindowMemory: z.string().min(1).default("256m"),
  /** Time limit of each git step; the whole process tree is killed when it runs out (default 2 h). */
  timeoutMs: z.number().int().positive().default(2 * 60 * 60 * 1000),
  /** Wait this long for a busy maintenance lock before skipping (default 0: skip at once). */
  lockWaitMs: z.number().int().nonnegative().default(0),
  /** Run the automatic check on every repository this often (default 10 min); 0 disables it. */
  checkIntervalMs: z.number().int().nonnegative().default(10 * 60 * 1000),
  /** After a `repo.stats` that crosses a threshold, run the check this much later (debounce, 30 s). */
  statsDebounceMs: z.number().int().nonnegative().default(30_000),
  /** Plan commands as if git were this version (e.g. "2.36.0"): compatibility testing only. */
  assumeGitVersion: z
    .string()
    .regex(/^\d+\.\d+(\.\d+)?$/)
    .optional(),
});

export type CruftWriterOptions = z.output<typeof optionsSchema>;

/** The defaults, as a full options object (for tests and the pure modules). */
export function defaultOptions(overrides: Partial<CruftWriterOptions> = {}): CruftWriterOptions {
  return { ...optionsSchema.parse({}), ...overrides };
}
