/**
 * The protected set of a running repack (DESIGN.md §3 invariant 3) and the choice of inputs.
 *
 * Recorded once the repack's first pack-objects child is seen (the repack took its pack list just
 * before spawning it): every pack present then, every hash seen under a `.tmp-<pid>-pack-<hash>`
 * name (then and for as long as the session watches), every pack with `.keep`, `.mtimes`,
 * `.promisor` or `.bitmap`, and every pack in the multi-pack-index. It only grows.
 */
import type { PackDirWatch } from "./dir-watch.js";
import { PROTECTING_SIDECARS, type PackDirListing, type PackInfo } from "./pack-dir.js";

export class ProtectedSet {
  readonly #hashes = new Set<string>();
  /** Protected packs that had a `.keep` at every repack listing that named them (see `survives`). */
  readonly #keptWhenListed = new Set<string>();
  /** Why each hash is protected (first reason), for the journal and tests. */
  readonly reasons = new Map<string, string>();

  add(hash: string, reason: string): void {
    if (this.#hashes.has(hash)) return;
    this.#hashes.add(hash);
    this.reasons.set(hash, reason);
  }

  has(hash: string): boolean {
    return this.#hashes.has(hash);
  }

  get size(): number {
    return this.#hashes.size;
  }

  hashes(): string[] {
    return [...this.#hashes];
  }

  /** Protects everything the listing (and the watch) shows as in use by a repack or pinned. */
  addListing(listing: PackDirListing, watch: PackDirWatch | undefined, reason: string): void {
    for (const info of listing.packs.values()) {
      const kept = info.exts.has("keep");
      if (!this.#hashes.has(info.hash) && kept) this.#keptWhenListed.add(info.hash);
      else if (!kept) this.#keptWhenListed.delete(info.hash);
      this.add(info.hash, reason);
    }
    for (const hash of listing.staging.keys()) this.add(hash, "repack output (.tmp-<pid>-pack-*)");
    for (const hash of listing.midx) this.add(hash, "in the multi-pack-index");
    if (watch) for (const hash of watch.stagingSeen.keys()) this.add(hash, "repack output (.tmp-<pid>-pack-*)");
  }

  /**
   * True when the running repack(s) cannot delete this pack: it is not protected (not in any
   * repack's list: only our own later roll-ups remove it, and they carry its objects along), or it
   * had a `.keep` when the repack's list was recorded and still has one (`repack -d` leaves packs it
   * listed as kept).
   */
  survives(info: PackInfo): boolean {
    if (!this.#hashes.has(info.hash)) return true;
    return this.#keptWhenListed.has(info.hash) && info.exts.has("keep");
  }

  /** Adds what became protected since (new staging names, midx). Never removes anything. */
  refresh(listing: PackDirListing, watch: PackDirWatch | undefined): void {
    for (const hash of listing.staging.keys()) this.add(hash, "repack output (.tmp-<pid>-pack-*)");
    for (const hash of listing.midx) this.add(hash, "in the multi-pack-index");
    if (watch) for (const hash of watch.stagingSeen.keys()) this.add(hash, "repack output (.tmp-<pid>-pack-*)");
  }
}

export interface SelectInput {
  listing: PackDirListing;
  protectedSet: ProtectedSet | undefined;
  watch: PackDirWatch | undefined;
  /** Our own outputs of this session/pass: inputs regardless of settle time (still size-bounded). */
  ours: ReadonlySet<string>;
  now: number;
  minPackAgeMs: number;
  maxInputPackObjects: number;
}

export interface Skipped {
  hash: string;
  why: string;
}

/** Why a pack cannot be an input right now, or undefined when it can. */
export function whyNotInput(info: PackInfo, input: SelectInput): string | undefined {
  const { listing, protectedSet, watch, ours } = input;
  if (protectedSet?.has(info.hash)) return `protected: ${protectedSet.reasons.get(info.hash) ?? "in use by the repack"}`;
  if (listing.staging.has(info.hash) || watch?.stagingSeen.has(info.hash)) return "a repack's output";
  if (listing.midx.has(info.hash)) return "in the multi-pack-index";
  if (!info.exts.has("pack") || !info.complete) return "incomplete (no .pack or no complete .idx)";
  for (const ext of PROTECTING_SIDECARS) if (info.exts.has(ext)) return `has .${ext}`;
  if (info.objects > input.maxInputPackObjects) return `${info.objects} objects > maxInputPackObjects`;
  if (ours.has(info.hash)) return undefined;
  // arrived .keep first (a push, fetch or import; its .keep is gone, checked above): not a repack's output
  if (watch?.keepFirst.has(info.hash)) return undefined;
  const seen = Math.max(info.changedAt, watch?.firstSeen.get(info.hash) ?? 0);
  if (input.now - seen < input.minPackAgeMs) return "not settled yet";
  return undefined;
}

/**
 * The packs a roll-up may name as excluded (`^pack-X.pack`): `--stdin-packs` leaves out every object
 * also found in an excluded pack, so only packs certain to outlive the output qualify — complete,
 * not an input, and not deletable by a running repack (`ProtectedSet.survives`). A protected pack
 * the repack may delete (`-d`) is never excluded: an object we would leave out because of it could
 * be dropped by the repack (an expired unreachable object re-sent by a push) and then exist nowhere.
 */
export function excludablePacks(listing: PackDirListing, inputs: readonly PackInfo[], protectedSet: ProtectedSet | undefined): PackInfo[] {
  const chosen = new Set(inputs.map((p) => p.hash));
  return [...listing.packs.values()].filter(
    (p) => !chosen.has(p.hash) && p.complete && p.exts.has("pack") && (protectedSet === undefined || protectedSet.survives(p)),
  );
}

/** The inputs of a roll-up (oldest first) and the packs skipped with the reason. */
export function selectInputs(input: SelectInput): { inputs: PackInfo[]; skipped: Skipped[] } {
  const inputs: PackInfo[] = [];
  const skipped: Skipped[] = [];
  for (const info of input.listing.packs.values()) {
    const why = whyNotInput(info, input);
    if (why === undefined) inputs.push(info);
    else skipped.push({ hash: info.hash, why });
  }
  inputs.sort((a, b) => a.changedAt - b.changedAt || a.hash.localeCompare(b.hash));
  return { inputs, skipped };
}
