/**
 * Growth of a watched dir: size samples (bytes under objects/), the rate over the last hour, and
 * when to alert (once per hour per dir while it stays above the limit).
 */
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

const HOUR = 3_600_000;

export interface Sample {
  at: number;
  bytes: number;
}

/** Total bytes of regular files under `dir` (lstat only; symlinks not followed; unreadable parts skipped). */
export async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) total += (await lstat(p).catch(() => undefined))?.size ?? 0;
    }
  }
  return total;
}

/** Keeps the samples of one dir and computes its growth rate. */
export class GrowthTracker {
  readonly #samples: Sample[] = [];
  #alertedAt: number | undefined;

  add(sample: Sample): void {
    this.#samples.push(sample);
    // keep the last hour, plus the newest sample older than it (the rate's baseline)
    while (this.#samples.length > 2 && this.#samples[1]!.at <= sample.at - HOUR) this.#samples.shift();
  }

  get latest(): Sample | undefined {
    return this.#samples[this.#samples.length - 1];
  }

  /** Bytes per hour between the oldest kept sample and the newest; undefined with < 2 samples. */
  ratePerHour(): number | undefined {
    const first = this.#samples[0];
    const last = this.latest;
    if (!first || !last || last.at <= first.at) return undefined;
    return ((last.bytes - first.bytes) * HOUR) / (last.at - first.at);
  }

  /** True when the rate exceeds `limit` and no alert was raised in the last hour. Marks the alert. */
  shouldAlert(limit: number, now: number): boolean {
    const rate = this.ratePerHour();
    if (rate === undefined || rate <= limit) {
      if (rate !== undefined) this.#alertedAt = undefined;
      return false;
    }
    if (this.#alertedAt !== undefined && now - this.#alertedAt < HOUR) return false;
    this.#alertedAt = now;
    return true;
  }

  /** True when the size did not change over the last `ms`. */
  unchangedFor(ms: number, now: number): boolean {
    const last = this.latest;
    if (!last) return false;
    const old = [...this.#samples].reverse().find((s) => s.at <= now - ms);
    return old !== undefined && old.bytes === last.bytes && this.#samples.filter((s) => s.at >= old.at).every((s) => s.bytes === last.bytes);
  }
}
