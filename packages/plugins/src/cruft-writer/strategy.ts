/**
 * The decision: what a repository needs now, from its shape, the time of the last full repack and
 * the options. Pure (no I/O, the clock is an argument) so it is tested table-driven. Cheap steps
 * first, modelled on Gitaly's heuristical housekeeping strategy and `git gc --auto`:
 *
 * 1. nothing packed and nothing loose: nothing to do;
 * 2. more than one non-cruft pack and the last full repack older than the cooldown: full repack
 *    with a cruft pack (expires unreachable objects past the grace, keeps the rest);
 * 3. more packs outside the multi-pack-index than max(minUntrackedPacks, log1.8(size MiB)), or
 *    more non-cruft packs than gc.autoPackLimit: geometric repack;
 * 4. more loose objects (sampled estimate) than looseObjectLimit: pack them;
 * 5. otherwise nothing. Independently: pack-refs when loose refs pile up; commit-graph after any
 *    repack.
 */
import { formatBytes, formatDuration } from "@gitmaint/core";
import type { RepoShape } from "./inspect.js";
import type { CruftWriterOptions } from "./options.js";

export type RepackAction = "none" | "pack-loose" | "geometric" | "full";
export type RepackMode = "auto" | "full" | "geometric";

export interface Decision {
  action: RepackAction;
  /** Human reasons, most important first. */
  reasons: string[];
  /** Also run `git pack-refs --all`. */
  packRefs: boolean;
  /** Also write the commit-graph (after any repack). */
  commitGraph: boolean;
}

export interface DecideInput {
  shape: RepoShape;
  mode: RepackMode;
  now: number;
  /** Last full repack (attempt) of this repository, ms since epoch; undefined = never. */
  lastFullRepackAt: number | undefined;
  options: Pick<
    CruftWriterOptions,
    | "fullRepackCooldownMs"
    | "looseObjectLimit"
    | "autoPackLimit"
    | "minUntrackedPacks"
    | "untrackedPackLogBase"
    | "minLooseRefs"
    | "looseRefsLogBase"
  >;
}

const MiB = 1024 * 1024;

/** The most packs allowed outside the multi-pack-index for this size (Gitaly's formula). */
export function untrackedPackLimit(packBytes: number, minimum: number, logBase: number): number {
  const mib = Math.floor(packBytes / MiB);
  const scaled = mib > 0 ? Math.floor(Math.log(mib) / Math.log(logBase)) : 0;
  return Math.max(minimum, scaled);
}

/** Loose refs at which `pack-refs` runs for this packed-refs size (Gitaly's formula). */
export function looseRefsLimit(packedRefsBytes: number, minimum: number, logBase: number): number {
  const scaled = packedRefsBytes > 100 ? Math.floor(Math.log(packedRefsBytes / 100) / Math.log(logBase)) : 0;
  return Math.max(minimum, scaled);
}

/** Decides what to do. */
export function decide(input: DecideInput): Decision {
  const { shape, options: o } = input;
  const nonCruft = shape.packs.filter((p) => !p.cruft && !p.keep);
  const kept = shape.packs.filter((p) => p.keep).length;
  const packBytes = shape.packs.reduce((n, p) => n + p.bytes, 0);
  const untracked = Math.max(0, shape.packs.length - (shape.midx.exists ? shape.midx.packCount : 0));
  const refLimit = looseRefsLimit(shape.packedRefsBytes, o.minLooseRefs, o.looseRefsLogBase);
  const packRefs = shape.looseRefs >= refLimit;
  const refReason = packRefs ? [`${shape.looseRefs} loose refs >= ${refLimit}: pack-refs`] : [];
  const keptNote = kept > 0 ? [`${kept} kept pack(s) (.keep) left alone`] : [];
  const result = (action: RepackAction, reasons: string[]): Decision => ({
    action,
    reasons: [...reasons, ...refReason, ...keptNote],
    packRefs,
    commitGraph: action !== "none",
  });

  if (input.mode === "full") return result("full", ["full repack requested"]);
  if (input.mode === "geometric") return result("geometric", ["geometric repack requested"]);

  if (shape.packs.length === 0 && shape.looseObjects === 0) return result("none", ["no packs and no loose objects"]);

  const since = input.lastFullRepackAt === undefined ? undefined : input.now - input.lastFullRepackAt;
  const cooled = since === undefined || since > o.fullRepackCooldownMs;
  if (nonCruft.length > 1 && cooled) {
    const when = since === undefined ? "never done" : `${formatDuration(since)} ago > cooldown ${formatDuration(o.fullRepackCooldownMs)}`;
    return result("full", [`${nonCruft.length} non-cruft packs and last full repack ${when}`]);
  }

  const limit = untrackedPackLimit(packBytes, o.minUntrackedPacks, o.untrackedPackLogBase);
  if (untracked > limit) {
    return result("geometric", [`${untracked} packs outside the multi-pack-index > ${limit} allowed for ${formatBytes(packBytes)}`]);
  }
  if (nonCruft.length > o.autoPackLimit) {
    return result("geometric", [`${nonCruft.length} non-cruft packs > autoPackLimit ${o.autoPackLimit}`]);
  }

  if (shape.looseObjects > o.looseObjectLimit) {
    const est = shape.looseExact ? "" : "~";
    return result("pack-loose", [`${est}${shape.looseObjects} loose objects > ${o.looseObjectLimit}`]);
  }

  const why = [`${nonCruft.length} non-cruft pack(s), ${untracked} outside the multi-pack-index (limit ${limit})`];
  if (nonCruft.length > 1 && since !== undefined) why.push(`last full repack ${formatDuration(since)} ago (cooldown ${formatDuration(o.fullRepackCooldownMs)})`);
  why.push(`${shape.looseExact ? "" : "~"}${shape.looseObjects} loose objects (limit ${o.looseObjectLimit})`);
  return result("none", why);
}

