/**
 * What each temporary kind is, which grace group it belongs to, and the name guard: a second,
 * independent check (after the core scanner's classification) that a path about to be deleted
 * carries one of the known temporary/lock names (DESIGN §3 invariant 2).
 */
import { basename, dirname, sep } from "node:path";
import type { TmpEntry, TmpKind } from "@gitmaint/core";
import type { ReaperOptions } from "./options.js";

/** Grace groups of the `minAgeMs` option. */
export type AgeGroup = "tmp" | "lock" | "refLock";

const GROUP: Record<TmpKind, AgeGroup> = {
  "tmp-pack": "tmp",
  "tmp-obj": "tmp",
  "tmp-other": "tmp",
  quarantine: "tmp",
  "repack-staging": "tmp",
  "packed-refs-new": "tmp",
  "transfer-keep": "tmp",
  "gitmaint-keep": "tmp",
  "orphan-idx": "tmp",
  lock: "lock",
  "gc-pid": "lock",
  "ref-lock": "refLock",
};

/** The grace group of a kind. */
export function ageGroupOf(kind: TmpKind): AgeGroup {
  return GROUP[kind];
}

/** The configured minimum age of a kind (before any override). */
export function minAgeOf(kind: TmpKind, options: Pick<ReaperOptions, "minAgeMs">): number {
  return options.minAgeMs[GROUP[kind]];
}

/** Lock file names the reaper may remove (never a scan for `*.lock`). */
export const KNOWN_LOCK_NAMES: ReadonlySet<string> = new Set([
  "config.lock",
  "HEAD.lock",
  "index.lock",
  "shallow.lock",
  "commit-graph-chain.lock",
  "multi-pack-index.lock",
  "maintenance.lock",
]);

const NAME_RULES: Record<TmpKind, (name: string, path: string) => boolean> = {
  "tmp-pack": (n) => /^tmp_(pack|idx|rev|mtimes|bitmap)_[^/]+$/.test(n),
  "tmp-obj": (n) => /^tmp_obj_[^/]+$/.test(n),
  "tmp-other": (n) => /^(tmp_[^/]+|packs_[^/]+|bitmap-ref-tips_[^/]+)$/.test(n),
  quarantine: (n) => /^(tmp_objdir-[^/]+|incoming-[^/]+)$/.test(n),
  "repack-staging": (n) => /^\.tmp-\d+-pack-[^/]*$/.test(n),
  "packed-refs-new": (n) => n === "packed-refs.new",
  lock: (n) => KNOWN_LOCK_NAMES.has(n),
  "ref-lock": (n, p) => n.endsWith(".lock") && (n === "packed-refs.lock" || p.includes(`${sep}refs${sep}`)),
  "gc-pid": (n) => n === "gc.pid",
  "transfer-keep": (n) => /^pack-[0-9a-f]+\.keep$/.test(n),
  "gitmaint-keep": (n) => /^pack-[0-9a-f]+\.keep$/.test(n),
  "orphan-idx": (n) => /^pack-[0-9a-f]+\.idx$/.test(n),
};

/**
 * True when the entry's name is one the reaper may delete for its kind. Never true for a
 * `pack-*.pack` (a pack without its .idx may be in flight; a pack with one is live data).
 */
export function nameAllowed(entry: Pick<TmpEntry, "path" | "kind">): boolean {
  const name = basename(entry.path);
  if (/^pack-.*\.pack$/.test(name)) return false;
  if (name === "" || name === "." || name === "..") return false;
  return NAME_RULES[entry.kind](name, dirname(entry.path) + sep);
}
