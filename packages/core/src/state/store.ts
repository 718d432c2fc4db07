/**
 * Small persistent JSON state per plugin and repository: one file
 * `<dir>/state/<plugin>/<repoKey>.json` holding `{ version, repo, values }`, replaced atomically
 * on every `set`. A corrupt file (crash of an old writer, hand edit) reads as empty and is reported
 * through `onCorrupt`; the next `set` replaces it.
 *
 * Writes from one process are serialized per file. Two processes writing the same plugin+repo
 * file race as last-writer-wins per whole file (each sees a consistent file, a concurrent key set
 * by the other may be lost); gitmaint runs one daemon per repository, so this is acceptable.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { StateStoreApi } from "./types.js";
import { writeFileAtomic } from "./atomic.js";
import { ensurePrivateDir, repoKey, sanitizeName } from "./dir.js";
import { KeyedQueue } from "./serial.js";

export interface StateStoreOptions {
  /** The gitmaint state dir (`stateDir()`). */
  dir: string;
  /** Plugin name (sanitized into a directory name). */
  plugin: string;
  /** Called when a state file exists but cannot be parsed (it is then treated as empty). */
  onCorrupt?: (path: string, error: unknown) => void;
}

interface StateFile {
  version: 1;
  repo: string;
  values: Record<string, unknown>;
}

/** Persistent per-plugin, per-repository key/value state. */
export class StateStore implements StateStoreApi {
  readonly #dir: string;
  readonly #onCorrupt: (path: string, error: unknown) => void;
  readonly #queue = new KeyedQueue();

  constructor(options: StateStoreOptions) {
    this.#dir = join(options.dir, "state", sanitizeName(options.plugin, "plugin"));
    this.#onCorrupt = options.onCorrupt ?? (() => {});
  }

  /** The state file of a repository. */
  pathFor(repo: string): string {
    return join(this.#dir, `${repoKey(repo)}.json`);
  }

  async get<T = unknown>(repo: string, key: string): Promise<T | undefined> {
    const path = this.pathFor(repo);
    // wait for this process's pending writes to the file so a get after a set sees it
    await this.#queue.idle(path);
    const file = await this.#load(path, repo);
    return file.values[key] as T | undefined;
  }

  /** Sets a key (a value of `undefined` deletes it). Resolves once the file is on disk. */
  async set(repo: string, key: string, value: unknown): Promise<void> {
    const path = this.pathFor(repo);
    return this.#queue.run(path, async () => {
      const file = await this.#load(path, repo);
      if (value === undefined) delete file.values[key];
      else file.values[key] = value;
      await ensurePrivateDir(this.#dir);
      await writeFileAtomic(path, JSON.stringify(file, null, 2) + "\n");
    });
  }

  /** All keys of a repository. */
  async entries(repo: string): Promise<Record<string, unknown>> {
    const path = this.pathFor(repo);
    await this.#queue.idle(path);
    return (await this.#load(path, repo)).values;
  }

  async #load(path: string, repo: string): Promise<StateFile> {
    const empty: StateFile = { version: 1, repo, values: {} };
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return empty;
      throw error;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isStateFile(parsed)) throw new Error("not a gitmaint state file");
      return { version: 1, repo, values: { ...parsed.values } };
    } catch (error) {
      this.#onCorrupt(path, error);
      return empty;
    }
  }
}

function isStateFile(value: unknown): value is StateFile {
  if (typeof value !== "object" || value === null) return false;
  const values = (value as { values?: unknown }).values;
  return typeof values === "object" && values !== null && !Array.isArray(values);
}
