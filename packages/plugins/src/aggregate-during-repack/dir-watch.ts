/**
 * A raw `fs.watch` (inotify) on one pack directory, kept only while an aggregation session or pass
 * runs. It exists for DESIGN.md §6 rule (a): a repack's output lives under `.tmp-<pid>-pack-<hash>`
 * for as little as 87 ms before it is renamed to `pack-<hash>`, which a poll (or chokidar, which
 * stats before reporting) can miss. Every create/rename event names the file: the hash of a staging
 * name is remembered for the life of the watch, and the first time each `pack-<hash>` is seen is
 * recorded (the settle time of rule c). The event is handled synchronously in the callback: nothing
 * is read from disk, so nothing is missed because the file has already gone.
 *
 * It also records which packs arrived `.keep` first: `index-pack --keep` (receive-pack for a push,
 * fetch) and fast-import create `pack-<hash>.keep` before the pack's `.pack` and `.idx` appear, and
 * remove it once the refs are updated. git's repack never writes a `.keep`, so such a pack is not a
 * repack's output, and rule c's settle time (a guard against a missed staging name) need not apply.
 * A pack counts as keep-first only when the first event of its hash was the `.keep` and a `.pack`
 * event followed (so a pack that existed before the watch, whose `.keep` is merely deleted, does not).
 */
import { watch, type FSWatcher } from "node:fs";
import { parsePackFileName } from "@gitmaint/core";
import { parseStagingName } from "./pack-dir.js";

export class PackDirWatch {
  readonly packDir: string;
  /** Hashes ever seen as `.tmp-<pid>-pack-<hash>.*` while watching, with the pid. */
  readonly stagingSeen = new Map<string, number>();
  /** First time (ms) any file of `pack-<hash>` was seen by an event. */
  readonly firstSeen = new Map<string, number>();
  /** Packs whose first event was their `.keep`, followed by their `.pack` (index-pack --keep, fast-import). */
  readonly keepFirst = new Set<string>();
  /** First event was the `.keep`; becomes keep-first when the `.pack` event follows. */
  readonly #keepSeenFirst = new Set<string>();
  /** False when fs.watch could not be set up (then rules b–d carry the safety alone). */
  readonly ok: boolean;
  #watcher: FSWatcher | undefined;
  #events = 0;
  #packRenames = 0;

  constructor(packDir: string) {
    this.packDir = packDir;
    try {
      this.#watcher = watch(packDir, { persistent: false }, (type, filename) => {
        if (filename !== null) this.note(filename.toString(), type);
      });
      this.#watcher.on("error", () => this.close());
      this.ok = true;
    } catch {
      this.ok = false;
    }
  }

  /** Events seen so far (tests). */
  get events(): number {
    return this.#events;
  }

  /**
   * `rename` events (a name appearing or going) of `pack-<hash>.*` files so far: what can change
   * which packs are ready to be rolled up. Writes into `tmp_pack_*` ("change" events) do not count.
   */
  get packRenames(): number {
    return this.#packRenames;
  }

  /** Records one event's name (type "rename": a name appeared or went; "change": content written). */
  note(name: string, type: "rename" | "change" = "rename", at = Date.now()): void {
    this.#events++;
    const staging = parseStagingName(name);
    if (staging) {
      if (!this.stagingSeen.has(staging.hash)) this.stagingSeen.set(staging.hash, staging.pid);
      if (!this.firstSeen.has(staging.hash)) this.firstSeen.set(staging.hash, at);
      return;
    }
    const pack = parsePackFileName(name);
    if (!pack) return;
    if (type === "rename") this.#packRenames++;
    if (!this.firstSeen.has(pack.hash)) {
      this.firstSeen.set(pack.hash, at);
      if (pack.ext === "keep") this.#keepSeenFirst.add(pack.hash);
    } else if (pack.ext === "pack" && this.#keepSeenFirst.delete(pack.hash)) this.keepFirst.add(pack.hash);
  }

  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
