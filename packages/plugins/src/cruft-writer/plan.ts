/**
 * Turns a decision into git commands, with the version gates. Pure: tested for every git version
 * branch without that git installed.
 *
 * - full, git >= 2.37: `repack --cruft --cruft-expiration=<grace> -d -l [-b | --write-midx]
 *   [--max-cruft-size=<n> on >= 2.43]`, then `prune --expire <grace>` (git gc does the same: the
 *   cruft pass leaves loose unreachable objects past the grace loose, only prune removes them).
 * - full, git < 2.37: `repack -A --unpack-unreachable=<grace> -d -l` (unreachable objects younger
 *   than the grace are loosened, never dropped), then `prune --expire <grace>`.
 * - geometric (>= 2.32; `--write-midx` >= 2.34): `repack -d -l --geometric=<f> [--write-midx]`;
 *   older git gets an incremental `repack -d -l` instead.
 * - pack-loose: `pack-objects --pack-loose-unreachable --local --incremental --non-empty` (every
 *   loose object, reachable or not, into one new pack) then `prune-packed` (Gitaly's incremental
 *   repack).
 * - `pack-refs --all` first when asked; `commit-graph write --reachable --split` last after any
 *   repack (`--split=replace` after a full one, which may have expired commits).
 *
 * Never a plain `git prune` (it deletes every live tmp file) and never an all-into-one repack
 * with -d that is not --cruft or -A (it drops unreachable objects a concurrent push still needs).
 */
import type { GitVersion } from "@gitmaint/core";
import type { CruftWriterOptions } from "./options.js";
import type { Decision } from "./strategy.js";

export interface PlannedStep {
  /** Short name: "pack-refs", "repack", "prune", "pack-loose", "prune-packed", "commit-graph". */
  name: string;
  /** git arguments (after the `-c` pairs). */
  args: string[];
  /** `-c` pairs. */
  config: Record<string, string>;
  /** stdin for the step ("" = closed at once). */
  input?: string;
}

export interface Plan {
  steps: PlannedStep[];
  /** Version notes ("git 2.36 has no cruft packs: ..."), shown with the decision. */
  notes: string[];
}

export interface PlanInput {
  decision: Decision;
  version: Pick<GitVersion, "major" | "minor" | "patch" | "text">;
  bare: boolean;
  packDir: string;
  options: Pick<
    CruftWriterOptions,
    "grace" | "geometricFactor" | "writeMidx" | "writeBitmaps" | "maxCruftSize" | "expireLoose" | "packThreads" | "packWindowMemory"
  >;
}

/** True when `v` >= major.minor.patch. */
export function atLeast(v: Pick<GitVersion, "major" | "minor" | "patch">, major: number, minor: number, patch = 0): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

/** Parses "2.39.5" (or "git version 2.39.5.windows.1"). */
export function parseVersion(text: string): GitVersion {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) throw new Error(`cannot parse git version: ${text}`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text: m[0] };
}

/** The commands for a decision. */
export function planSteps(input: PlanInput): Plan {
  const { decision, version: v, options: o } = input;
  const steps: PlannedStep[] = [];
  const notes: string[] = [];
  const packConfig = { "pack.threads": String(o.packThreads), "pack.windowMemory": o.packWindowMemory };
  const step = (name: string, args: string[], config: Record<string, string> = {}, stdin?: string): void => {
    steps.push({ name, args, config, ...(stdin === undefined ? {} : { input: stdin }) });
  };

  if (decision.packRefs) step("pack-refs", ["pack-refs", "--all"]);

  const midx = o.writeMidx && atLeast(v, 2, 34);
  if (o.writeMidx && !midx) notes.push(`git ${v.text} cannot write a multi-pack-index from repack (needs 2.34): skipped`);

  switch (decision.action) {
    case "none":
      break;
    case "pack-loose":
      step("pack-loose", ["pack-objects", "--pack-loose-unreachable", "--local", "--incremental", "--non-empty", "--progress", `${input.packDir}/pack`], packConfig, "");
      step("prune-packed", ["prune-packed"]);
      break;
    case "geometric":
      if (atLeast(v, 2, 32)) {
        step("repack", ["repack", "-d", "-l", `--geometric=${o.geometricFactor}`, ...(midx ? ["--write-midx"] : [])], packConfig);
      } else {
        notes.push(`git ${v.text} has no geometric repack (needs 2.32): incremental repack -d -l instead`);
        step("repack", ["repack", "-d", "-l"], packConfig);
      }
      break;
    case "full": {
      // With bitmaps, a pack bitmap and no multi-pack-index: git 2.39's multi-pack bitmap fails
      // ("could not write multi-pack bitmap") when a push lands a new ref during the repack
      // (seen in test/long/cruft-concurrency); a pack bitmap comes from pack-objects' own walk.
      const bitmaps = o.writeBitmaps === "auto" ? input.bare : o.writeBitmaps;
      const tail = bitmaps ? ["-b"] : midx ? ["--write-midx"] : [];
      if (atLeast(v, 2, 37)) {
        const maxCruft: string[] = [];
        if (o.maxCruftSize !== undefined) {
          if (atLeast(v, 2, 43)) maxCruft.push(`--max-cruft-size=${o.maxCruftSize}`);
          else notes.push(`git ${v.text} has no --max-cruft-size (needs 2.43): ignored`);
        }
        step("repack", ["repack", "--cruft", `--cruft-expiration=${o.grace}`, "-d", "-l", ...tail, ...maxCruft], packConfig);
      } else {
        notes.push(
          `git ${v.text} has no cruft packs (needs 2.37): repack -A --unpack-unreachable=${o.grace} loosens unreachable objects younger than the grace instead`,
        );
        step("repack", ["repack", "-A", `--unpack-unreachable=${o.grace}`, "-d", "-l", ...tail], packConfig);
      }
      // -v lists every object it removes (journaled by the runner)
      if (o.expireLoose) step("prune", ["prune", "--expire", o.grace, "-v", "--progress"]);
      break;
    }
  }

  if (decision.commitGraph && decision.action !== "none") {
    const split = decision.action === "full" && atLeast(v, 2, 29) ? "--split=replace" : "--split";
    step("commit-graph", ["commit-graph", "write", "--reachable", split, "--progress"]);
  }
  return { steps, notes };
}
