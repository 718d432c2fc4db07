/** Per-process descriptor samples and their growth trend. */
export interface Sample {
  at: number;
  fds: number;
}

/** Least-squares slope of the samples, in descriptors per hour (0 with fewer than 3 samples). */
export function slopePerHour(samples: readonly Sample[]): number {
  if (samples.length < 3) return 0;
  const n = samples.length;
  const t0 = samples[0]!.at;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const s of samples) {
    const x = (s.at - t0) / 3_600_000;
    sx += x;
    sy += s.fds;
    sxx += x * x;
    sxy += x * s.fds;
  }
  const denominator = n * sxx - sx * sx;
  return denominator === 0 ? 0 : (n * sxy - sx * sy) / denominator;
}

/** A bounded window of samples per process identity (pid + start ticks). */
export class SampleWindows {
  readonly #windows = new Map<string, Sample[]>();
  constructor(private readonly size: number) {}

  add(key: string, sample: Sample): Sample[] {
    const w = this.#windows.get(key) ?? [];
    w.push(sample);
    if (w.length > this.size) w.splice(0, w.length - this.size);
    this.#windows.set(key, w);
    return w;
  }

  /** Forget processes not seen in the latest round. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.#windows.keys()) if (!keys.has(key)) this.#windows.delete(key);
  }
}
