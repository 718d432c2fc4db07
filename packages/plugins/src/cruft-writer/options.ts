/**
 * cruft-writer's options, every threshold with its default and where the default comes from
 * (see README.md for the reasoning). Validated by the PluginHost; unknown keys are errors.
 */
import { availableParallelism } from "node:os";
import { z } from "@gitmaint/core";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** The shortest grace accepted: anything shorter would let `prune`/`--cruft-expiration` drop objects (and tmp files) a running push still needs. */
export const MIN_GRACE_MS = HOUR;

const UNIT_MS: Record<string, number> = {
  second: 1000,
  minute: 60 * 1000,
  hour: HOUR,
  day: DAY,
  week: 7 * DAY,
  month: 30 * DAY, // git subtracts calendar months; 30 days is only used for the floor check
  year: 365 * DAY,
};

/**
 * The length of a grace written as a relative git approxidate (`2.weeks.ago`, `3 days ago`,
 * `1.week.2.days.ago`, `36.hours`): the sum of its `<n>.<unit>` pairs in ms. Undefined for anything
 * else: `now`, `all`, `never`, absolute dates and other approxidate oddities are not a grace.
 */
export function graceMs(grace: string): number | undefined {
  const words = grace.trim().toLowerCase().split(/[. _]+/);
  if (words.at(-1) === "ago") words.pop();
  if (words.length === 0 || words.length % 2 !== 0) return undefined;
  let total = 0;
  for (let i = 0; i < words.length; i += 2) {
    const count = words[i] ?? "";
    const unit = UNIT_MS[(words[i + 1] ?? "").replace(/s$/, "")];
    if (!/^\d{1,6}$/.test(count) || unit === undefined) return undefined;
    total += Number(count) * unit;
  }
  return total;
}

/** Why a grace is refused, or undefined when it is a relative approxidate of at least MIN_GRACE_MS. */
export function graceProblem(grace: string): string | undefined {
  const ms = graceMs(grace);
  if (ms === undefined)
    return `${JSON.stringify(grace)} is not a grace period: use a relative git approxidate like "2.weeks.ago" or "3.days.ago" (never "now", "all" or "never")`;
  if (ms < MIN_GRACE_MS)
    return `${JSON.stringify(grace)} is shorter than the 1-hour minimum (a shorter grace lets git prune objects and tmp files a running push still needs)`;
  return undefined;
}

/** `pack.threads` default: the machine's cores, capped at 4 (bounded memory per thread). */
export const DEFAULT_PACK_THREADS = Math.max(1, Math.min(4, availableParallelism()));

export const optionsSchema = z.strictObject({
  /**
   * Grace period of unreachable objects, as a git approxidate (`--cruft-expiration`,
   * `prune --expire`). Default `2.weeks.ago` = git's `gc.pruneExpire`. Only relative forms of at
   * least 1 hour are accepted (`now`, `all`, `never` and absolute dates are refused: DESIGN §6 and
   * invariant 4).
   */
  grace: z
    .string()
    .min(1)
    .default("2.weeks.ago")
    .superRefine((value, ctx) => {
      const problem = graceProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
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
