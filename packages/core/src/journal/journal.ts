/**
 * The Journal: an append-only JSON-lines file per repository, `<dir>/journal/<repoKey>.jsonl`,
 * recording every file gitmaint deletes, every pack it writes, every repack and lock takeover.
 *
 * Durability (invariant 6): `append` resolves only after the line is written and fsynced.
 *
 * No interleaving:
 * - within one process, appends to one file are serialized through a promise chain;
 * - across processes, each line is written with ONE write() on a descriptor opened with
 *   O_APPEND. On Linux the seek-to-end and the write happen under the inode lock, so whole lines
 *   from different processes never interleave on local file systems (ext4, xfs, btrfs, tmpfs).
 *   POSIX only promises this for pipes up to PIPE_BUF, and NFS does not honour O_APPEND
 *   atomically: keep the state dir on a local disk. Lines are capped at MAX_LINE_BYTES (64 KiB)
 *   by dropping oversized `details`.
 * - if the file does not end in a newline when this process first appends to it (a writer died
 *   mid-line: disk full, power loss), that append starts with a newline so only the broken line
 *   is lost; `read` skips malformed and empty lines. (Checked once per file: a reader can see
 *   another process's write half-done, so checking every time would add stray empty lines.)
 */
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { JournalApi, JournalEntry, JournalReadOptions } from "./types.js";
import { formatLine, readEntries } from "./lines.js";
import { ensurePrivateDir, repoKey } from "../state/dir.js";
import { syncDir } from "../state/atomic.js";
import { KeyedQueue } from "../state/serial.js";

export interface JournalOptions {
  /** The gitmaint state dir (`stateDir()`); journals go to `<dir>/journal/`. */
  dir: string;
}

/** Append-only per-repository record of what gitmaint changed on disk. */
export class Journal implements JournalApi {
  readonly #dir: string;
  readonly #queue = new KeyedQueue();
  #dirReady: Promise<void> | undefined;
  /** Files whose tail this instance has already checked for a broken last line. */
  readonly #checked = new Set<string>();

  constructor(options: JournalOptions) {
    this.#dir = join(options.dir, "journal");
  }

  pathFor(repo: string): string {
    return join(this.#dir, `${repoKey(repo)}.jsonl`);
  }

  async append(entry: Omit<JournalEntry, "at" | "pid"> & { at?: number }): Promise<void> {
    if (typeof entry.repo !== "string" || entry.repo === "") throw new TypeError("journal entry needs a repo");
    const full: JournalEntry = { ...entry, at: entry.at ?? Date.now(), pid: process.pid };
    const line = Buffer.from(formatLine(full));
    const path = this.pathFor(full.repo);
    await this.#queue.run(path, () => this.#write(path, line));
  }

  async read(repo: string, options: JournalReadOptions = {}): Promise<JournalEntry[]> {
    const path = this.pathFor(repo);
    await this.#queue.idle(path);
    return readEntries(path, options);
  }

  async #write(path: string, line: Buffer): Promise<void> {
    this.#dirReady ??= ensurePrivateDir(this.#dir);
    try {
      await this.#dirReady;
    } catch (error) {
      this.#dirReady = undefined;
      throw error;
    }
    // "a+" = O_APPEND | O_CREAT | O_RDWR: every write goes to the end; reads are positional
    const fh = await open(path, "a+", 0o600);
    try {
      const { size } = await fh.stat();
      let data = line;
      if (size > 0 && !this.#checked.has(path)) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) data = Buffer.concat([Buffer.from("\n"), line]);
      }
      let offset = 0;
      while (offset < data.length) {
        // one write() for the whole line; the loop only continues after a short write
        const { bytesWritten } = await fh.write(data, offset, data.length - offset);
        offset += bytesWritten;
      }
      await fh.sync();
      if (size === 0) await syncDir(this.#dir);
      this.#checked.add(path);
    } finally {
      await fh.close();
    }
  }
}
