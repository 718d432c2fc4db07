/**
 * Journal line format: one JSON object per line. Parsing is tolerant: a malformed line (a
 * truncated last line after a crash, a hand edit) is skipped, never fatal.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { JournalEntry, JournalReadOptions } from "./types.js";

/** Lines longer than this get their `details` replaced by a note, so one write() stays small. */
export const MAX_LINE_BYTES = 64 * 1024;

/** Serializes an entry to one line (with the trailing newline). */
export function formatLine(entry: JournalEntry): string {
  let line = JSON.stringify(entry);
  if (Buffer.byteLength(line) > MAX_LINE_BYTES && entry.details !== undefined) {
    const bytes = Buffer.byteLength(JSON.stringify(entry.details));
    line = JSON.stringify({ ...entry, details: { truncated: true, detailsBytes: bytes } });
  }
  return line + "\n";
}

/** Parses one line; undefined when it is not a well-formed entry. */
export function parseLine(line: string): JournalEntry | undefined {
  const text = line.trim();
  if (text === "" || text[0] !== "{") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const e = value as Partial<JournalEntry>;
  if (typeof e.at !== "number" || typeof e.op !== "string" || typeof e.repo !== "string") return undefined;
  return value as JournalEntry;
}

/**
 * Reads the entries of a journal file that match the options, oldest first (the last `limit`
 * when given), streaming so a long journal is never held in memory whole. Missing file → [].
 */
export async function readEntries(path: string, options: JournalReadOptions = {}): Promise<JournalEntry[]> {
  const { since, limit, op } = options;
  const out: JournalEntry[] = [];
  const stream = createReadStream(path, { encoding: "utf8" });
  const opened = new Promise<boolean>((resolve, reject) => {
    stream.once("open", () => resolve(true));
    stream.once("error", (error: NodeJS.ErrnoException) =>
      error.code === "ENOENT" ? resolve(false) : reject(error),
    );
  });
  if (!(await opened)) return out;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of lines) {
    const entry = parseLine(line);
    if (!entry) continue;
    if (since !== undefined && entry.at < since) continue;
    if (op !== undefined && entry.op !== op) continue;
    out.push(entry);
    if (limit !== undefined && out.length > limit * 2 + 64) out.splice(0, out.length - limit);
  }
  if (limit !== undefined) return limit <= 0 ? [] : out.slice(-limit);
  return out;
}
