/**
 * Collects a git child's stderr: splits it into lines on `\n` and `\r` (git redraws progress
 * with `\r`), hands every line to a callback, and keeps a bounded tail of the text for errors.
 * Lines ended by `\r` are progress redraws that the next line overwrites: they go to the
 * callback but are not kept, so the tail holds what a terminal would show.
 */
import { StringDecoder } from "node:string_decoder";

/** Default bytes of stderr kept (the last 64 KiB). */
export const STDERR_KEEP_BYTES = 64 * 1024;

export class StderrCollector {
  readonly #decoder = new StringDecoder("utf8");
  readonly #limit: number;
  readonly #onLine: (line: string) => void;
  #partial = "";
  #kept = "";

  constructor(onLine: (line: string) => void, limit = STDERR_KEEP_BYTES) {
    this.#onLine = onLine;
    this.#limit = limit;
  }

  /** Feeds a chunk as read from the pipe. */
  push(chunk: Buffer | string): void {
    this.#consume(typeof chunk === "string" ? chunk : this.#decoder.write(chunk));
  }

  /** Flushes a last unterminated line (call once the stream ended). */
  end(): void {
    this.#consume(this.#decoder.end());
    if (this.#partial !== "") {
      const line = this.#partial;
      this.#partial = "";
      this.#keep(line);
      this.#emit(line);
    }
  }

  /** Appends a note of gitmaint's own (e.g. "stdout exceeded maxBuffer") to the kept text. */
  note(line: string): void {
    this.#keep(line);
  }

  /** The kept stderr (at most `limit` characters, newest last). */
  get text(): string {
    return this.#partial === "" ? this.#kept : this.#kept + this.#partial;
  }

  #consume(text: string): void {
    if (text === "") return;
    let rest = this.#partial + text;
    for (;;) {
      const i = rest.search(/[\r\n]/);
      if (i < 0) break;
      const line = rest.slice(0, i);
      const sep = rest[i];
      rest = rest.slice(i + 1);
      if (sep === "\n") this.#keep(line);
      this.#emit(line);
    }
    // An unterminated line longer than the limit is cut: only its end can be useful.
    this.#partial = rest.length > this.#limit ? rest.slice(-this.#limit) : rest;
  }

  #keep(line: string): void {
    this.#kept += `${line}\n`;
    if (this.#kept.length > this.#limit) {
      const cut = this.#kept.length - this.#limit;
      const nl = this.#kept.indexOf("\n", cut);
      this.#kept = nl >= 0 && nl < this.#kept.length - 1 ? this.#kept.slice(nl + 1) : this.#kept.slice(cut);
    }
  }

  #emit(line: string): void {
    if (line.trim() !== "") this.#onLine(line);
  }
}
