/**
 * What the watcher knows about one `objects/pack` directory, and the events that turn one listing
 * into the next: packs (announced only once their .idx is complete), sidecars, and temporary files.
 * Feeding it a fresh listing after every burst of filesystem events makes rename storms harmless:
 * whatever happened in between, consumers see the difference once.
 */
import type { Stats } from "node:fs";
import { lstat, stat } from "node:fs/promises";
import { join } from "node:path";
import type { EventType, GitmaintEvents, SidecarKind } from "../events/types.js";
import { readSmallNoFollow } from "../repo/fs-walk.js";
import { isIdxComplete, parsePackFileName } from "../repo/pack-files.js";
import { classifyTmpPath, parseKeepContent } from "../repo/tmp-classify.js";
import type { TmpKind } from "../repo/tmpfiles-types.js";
import type { Repository } from "../repo/types.js";

export type EmitFn = <K extends EventType>(type: K, event: GitmaintEvents[K]) => void;

/** One name in a listing of the pack directory. */
export interface ListedName {
  name: string;
  isDirectory: boolean;
}

const SIDECARS = new Set<string>(["keep", "mtimes", "bitmap", "rev", "promisor"]);
/** How long a name reported as transient (seen and gone before it could be listed) is remembered. */
const TRANSIENT_MEMORY_MS = 5_000;

export class PackDirState {
  readonly #repo: Repository;
  readonly #emit: EmitFn;
  /** Hashes of packs announced with pack.added (or present in the silent baseline). */
  readonly #packs = new Set<string>();
  /** Sidecar file names present. */
  readonly #sidecars = new Set<string>();
  /** Temporary names present, with their kind. */
  readonly #tmps = new Map<string, TmpKind>();
  /** Classification of .keep files from their content (re-read while they were still empty). */
  readonly #keeps = new Map<string, { kind: TmpKind | undefined; final: boolean }>();
  /** Names announced as transient by noteRawName (seen + gone), to avoid announcing them twice. */
  readonly #transient = new Map<string, number>();

  constructor(repo: Repository, emit: EmitFn) {
    this.#repo = repo;
    this.#emit = emit;
  }

  /** Hashes of the packs currently known as complete. */
  get packs(): ReadonlySet<string> {
    return this.#packs;
  }

  /**
   * Applies a fresh listing and emits the differences (unless `silent`: the first listing is the
   * baseline). Returns true when anything changed.
   */
  async apply(listing: readonly ListedName[], silent = false): Promise<boolean> {
    const at = Date.now();
    const dir = this.#repo.packDir;
    const names = new Set(listing.map((l) => l.name));
    const exts = new Map<string, Set<string>>();
    for (const { name } of listing) {
      const p = parsePackFileName(name);
      if (!p) continue;
      let set = exts.get(p.hash);
      if (!set) exts.set(p.hash, (set = new Set()));
      set.add(p.ext);
    }

    const addedPacks: string[] = [];
    for (const [hash, set] of exts) {
      if (this.#packs.has(hash) || !set.has("pack") || !set.has("idx")) continue;
      if (await isIdxComplete(join(dir, `pack-${hash}.idx`))) addedPacks.push(hash);
    }
    const removedPacks = [...this.#packs].filter((h) => !(exts.get(h)?.has("pack") && exts.get(h)?.has("idx")));

    const sidecarsNow = new Set(listing.filter((l) => SIDECARS.has(parsePackFileName(l.name)?.ext ?? "")).map((l) => l.name));
    const tmpsNow = new Map<string, TmpKind>();
    for (const l of listing) {
      const kind = await this.#classify(l, names);
      if (kind) tmpsNow.set(l.name, kind);
    }
    for (const name of this.#keeps.keys()) if (!names.has(name)) this.#keeps.delete(name);

    const newTmps = [...tmpsNow].filter(([n]) => !this.#tmps.has(n));
    const goneTmps = [...this.#tmps].filter(([n]) => !tmpsNow.has(n));
    const newSidecars = [...sidecarsNow].filter((n) => !this.#sidecars.has(n));
    const goneSidecars = [...this.#sidecars].filter((n) => !sidecarsNow.has(n));

    for (const h of addedPacks) this.#packs.add(h);
    for (const h of removedPacks) this.#packs.delete(h);
    this.#replace(this.#sidecars, sidecarsNow);
    this.#tmps.clear();
    for (const [n, k] of tmpsNow) this.#tmps.set(n, k);
    this.#forgetOldTransients(at);

    const changed = addedPacks.length + removedPacks.length + newTmps.length + goneTmps.length + newSidecars.length + goneSidecars.length > 0;
    if (silent) return changed;
    for (const [name, kind] of newTmps) await this.#emitTmpSeen(name, kind);
    for (const hash of addedPacks) await this.#emitPackAdded(hash);
    for (const name of newSidecars) this.#emitSidecar(name, "added");
    for (const name of goneSidecars) this.#emitSidecar(name, "removed");
    for (const hash of removedPacks) this.#emit("pack.removed", { ...this.#packRef(hash), at: Date.now() });
    for (const [name, kind] of goneTmps) this.#emit("tmp.gone", { repo: this.#repo.id, at: Date.now(), path: join(dir, name), kind });
    return changed;
  }

  /** The directory is gone: everything known vanished. Returns true when anything was known. */
  clear(): boolean {
    const at = Date.now();
    const dir = this.#repo.packDir;
    const changed = this.#packs.size + this.#sidecars.size + this.#tmps.size > 0;
    for (const name of this.#sidecars) this.#emitSidecar(name, "removed");
    for (const hash of this.#packs) this.#emit("pack.removed", { ...this.#packRef(hash), at });
    for (const [name, kind] of this.#tmps) this.#emit("tmp.gone", { repo: this.#repo.id, at, path: join(dir, name), kind });
    this.#packs.clear();
    this.#sidecars.clear();
    this.#tmps.clear();
    this.#keeps.clear();
    return changed;
  }

  /**
   * A raw create/rename event named `name`: if it is a temporary name, announce it at once
   * (returns true when it announced anything) (the
   * debounced listing may come too late: repack's staging files live for ~87 ms). A name that is
   * already gone again is announced as seen and gone.
   */
  async noteRawName(name: string): Promise<boolean> {
    if (this.#tmps.has(name)) return false;
    const path = join(this.#repo.packDir, name);
    const kind = classifyTmpPath(this.#repo, path, false);
    if (!kind) return false;
    let st: Stats | undefined;
    try {
      st = await lstat(path);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) return false;
    // The delete event of a name already announced as transient: nothing new.
    if (!st && this.#transient.has(name)) return false;
    const at = Date.now();
    this.#emit("tmp.seen", { repo: this.#repo.id, at, path, kind, bytes: st?.size ?? 0, mtimeMs: st?.mtimeMs ?? at });
    if (st) {
      this.#transient.delete(name);
      this.#tmps.set(name, kind);
    } else {
      this.#transient.set(name, at);
      this.#emit("tmp.gone", { repo: this.#repo.id, at, path, kind });
    }
    return true;
  }

  /**
   * A raw create/rename event named `pack-<hash>.idx`: announce the pack at once when its .pack
   * exists and the .idx is complete (the debounced listing would confirm it ~debounce later).
   */
  async noteRawIdx(name: string): Promise<boolean> {
    const parsed = parsePackFileName(name);
    if (parsed?.ext !== "idx" || this.#packs.has(parsed.hash)) return false;
    const dir = this.#repo.packDir;
    const packExists = await stat(join(dir, `pack-${parsed.hash}.pack`)).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!packExists || !(await isIdxComplete(join(dir, name)))) return false;
    this.#packs.add(parsed.hash);
    await this.#emitPackAdded(parsed.hash);
    return true;
  }

  async #classify(l: ListedName, names: ReadonlySet<string>): Promise<TmpKind | undefined> {
    const path = join(this.#repo.packDir, l.name);
    const parsed = parsePackFileName(l.name);
    if (parsed?.ext === "keep") return this.#classifyKeep(l.name, path);
    if (parsed?.ext === "idx") {
      return classifyTmpPath(this.#repo, path, l.isDirectory, { packExists: names.has(`pack-${parsed.hash}.pack`) });
    }
    return classifyTmpPath(this.#repo, path, l.isDirectory);
  }

  async #classifyKeep(name: string, path: string): Promise<TmpKind | undefined> {
    const cached = this.#keeps.get(name);
    if (cached?.final) return cached.kind;
    const content = await readSmallNoFollow(path, 256);
    const kind = content === undefined ? undefined : parseKeepContent(content)?.kind;
    // An empty keep may still be being written (index-pack creates, then writes): read it again later.
    this.#keeps.set(name, { kind, final: content !== undefined && content.length > 0 });
    return kind;
  }

  async #emitTmpSeen(name: string, kind: TmpKind): Promise<void> {
    const path = join(this.#repo.packDir, name);
    const st = await lstat(path).catch(() => undefined);
    const at = Date.now();
    this.#emit("tmp.seen", { repo: this.#repo.id, at, path, kind, bytes: st?.size ?? 0, mtimeMs: st?.mtimeMs ?? at });
  }

  async #emitPackAdded(hash: string): Promise<void> {
    const ref = this.#packRef(hash);
    const bytes = await stat(ref.path).then(
      (s) => s.size,
      () => 0,
    );
    this.#emit("pack.added", { ...ref, at: Date.now(), bytes });
  }

  #emitSidecar(name: string, change: "added" | "removed"): void {
    const parsed = parsePackFileName(name);
    if (!parsed) return;
    this.#emit("pack.sidecar", {
      repo: this.#repo.id,
      at: Date.now(),
      pack: `pack-${parsed.hash}`,
      hash: parsed.hash,
      kind: parsed.ext as SidecarKind,
      change,
      path: join(this.#repo.packDir, name),
    });
  }

  #packRef(hash: string): { repo: string; pack: string; hash: string; path: string } {
    return { repo: this.#repo.id, pack: `pack-${hash}`, hash, path: join(this.#repo.packDir, `pack-${hash}.pack`) };
  }

  #replace(target: Set<string>, next: Set<string>): void {
    target.clear();
    for (const n of next) target.add(n);
  }

  #forgetOldTransients(now: number): void {
    for (const [name, at] of this.#transient) if (now - at > TRANSIENT_MEMORY_MS) this.#transient.delete(name);
  }
}
