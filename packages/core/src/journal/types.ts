/** One Journal line. */
export interface JournalEntry {
  /** ms since epoch */
  at: number;
  /** Repository id. */
  repo: string;
  /** Plugin (or "gitmaint") that did it. */
  plugin: string;
  /** What happened. */
  op:
    | "delete"
    | "pack-written"
    | "repack"
    | "aggregate"
    | "kill"
    | "lock-takeover"
    | "snapshot"
    | "failure"
    | "note";
  /** Path relative to the git dir, when about one file. */
  path?: string;
  bytes?: number;
  reason: string;
  /** Anything else worth keeping (argv, pack hashes, counts). */
  details?: Record<string, unknown>;
  /** gitmaint's pid, for telling runs apart. */
  pid?: number;
}

export interface JournalReadOptions {
  since?: number;
  limit?: number;
  op?: JournalEntry["op"];
}

export interface JournalApi {
  /** Appends (and fsyncs) the entry before resolving. */
  append(entry: Omit<JournalEntry, "at" | "pid"> & { at?: number }): Promise<void>;
  /** Entries of a repository, oldest first (the last `limit` when given). */
  read(repo: string, options?: JournalReadOptions): Promise<JournalEntry[]>;
  /** The journal file of a repository. */
  pathFor(repo: string): string;
}
