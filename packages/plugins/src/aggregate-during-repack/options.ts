/**
 * aggregate-during-repack's options, validated by the PluginHost (unknown keys are errors).
 * See README.md for why each default is what it is.
 */
import { z } from "@gitmaint/core";

export const optionsSchema = z.strictObject({
  /** One aggregation cycle at least this often while a repack runs (the default: 5 s). */
  intervalMs: z.number().int().positive().default(5_000),
  /**
   * Start a cycle early, once this many packs (besides our own outputs) are ready to be rolled up
   * (0: only every intervalMs). Keeps the pack count near this number under a heavy push load.
   */
  triggerPacks: z.number().int().nonnegative().default(4),
  /** At least this long from the end of one cycle to the start of an early (triggered) one. */
  minIntervalMs: z.number().int().nonnegative().default(500),
  /** A pack is an input only once it was first seen (or renamed into place) this long ago (DESIGN §6 rule c). */
  minPackAgeMs: z.number().int().nonnegative().default(1_000),
  /** Packs with more objects than this are never inputs (DESIGN §6 rule d: a repack's output is big). */
  maxInputPackObjects: z.number().int().positive().default(20_000),
  /** At most this many loose objects per cycle (the rest wait for the next cycle). */
  maxLooseObjects: z.number().int().positive().default(100_000),
  /** A roll-up needs at least this many input packs (our own loose-object pack counts). */
  minInputPacks: z.number().int().min(2).default(2),
  /** Poll for external repack/gc/maintenance processes this often (0: rely on `process.seen` only). */
  detectIntervalMs: z.number().int().nonnegative().default(2_000),
  /** While waiting for a repack's first pack-objects child, look this often. */
  childPollMs: z.number().int().positive().default(100),
  /** Time limit of each git step of a cycle (the whole tree is killed). */
  timeoutMs: z.number().int().positive().default(10 * 60 * 1000),
  /** Run one cheap pass before cruft-writer's full repack (`repack --full --aggregate`). */
  prePass: z.boolean().default(true),
  /**
   * After a repack during which packs were written without delta search, ask cruft-writer for a
   * geometric repack this long after the repack ended (0: only record them). Retried while busy.
   */
  rollUpDelayMs: z.number().int().nonnegative().default(30_000),
});

export type AggregateOptions = z.output<typeof optionsSchema>;

/** The defaults as a full options object (for tests and the pure modules). */
export function defaultOptions(overrides: Partial<AggregateOptions> = {}): AggregateOptions {
  return { ...optionsSchema.parse({}), ...overrides };
}
