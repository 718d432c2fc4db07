/**
 * git's `--progress` lines (progress.c): `<title>: <pct>% (<n>/<total>)[, <throughput>][, done.]`
 * or, without a total, `<title>: <n>[, done.]`; lines relayed from the other side of a fetch or
 * push start with `remote: ` and are padded with spaces.
 */
import type { GitProgress } from "./types.js";

const WITH_TOTAL = /^([A-Za-z][^:]*?):\s+(\d{1,3})%\s+\((\d+)\/(\d+)\)(.*)$/;
const COUNT_ONLY = /^([A-Za-z][^:]*?):\s+(\d+)(,.*)?$/;
const NOT_PHASES = new Set(["error", "fatal", "warning", "hint", "usage"]);

/** Parses one progress line (without its `\r`/`\n`); undefined for anything else. */
export function parseProgress(line: string): GitProgress | undefined {
  const text = line.replace(/^remote:\s*/, "").trim();
  const full = WITH_TOTAL.exec(text);
  if (full) {
    const phase = full[1] ?? "";
    if (NOT_PHASES.has(phase.toLowerCase())) return undefined;
    return {
      phase,
      percent: Number(full[2]),
      done: Number(full[3]),
      total: Number(full[4]),
      finished: isDone(full[5]),
    };
  }
  const count = COUNT_ONLY.exec(text);
  if (count) {
    const phase = count[1] ?? "";
    if (NOT_PHASES.has(phase.toLowerCase())) return undefined;
    return { phase, percent: undefined, done: Number(count[2]), total: undefined, finished: isDone(count[3]) };
  }
  return undefined;
}

function isDone(rest: string | undefined): boolean {
  return rest !== undefined && /,\s*done\.?\s*$/.test(rest);
}

/**
 * Decides which progress lines go to the Bus: at most one every `intervalMs` per run, plus the
 * first line of each phase, its first 100% and its `done.` line, so listeners never miss an end.
 */
export class ProgressThrottle {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #lastAt = Number.NEGATIVE_INFINITY;
  #last: GitProgress | undefined;

  constructor(intervalMs = 100, now: () => number = Date.now) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** True when this line should be emitted (and records it as emitted). */
  admit(p: GitProgress): boolean {
    const now = this.#now();
    const last = this.#last;
    const newPhase = last === undefined || last.phase !== p.phase;
    const firstFull = p.percent === 100 && (newPhase || last?.percent !== 100);
    const ok = newPhase || p.finished === true || firstFull || now - this.#lastAt >= this.#intervalMs;
    if (ok) {
      this.#lastAt = now;
      this.#last = p;
    }
    return ok;
  }
}
