import { round } from './cpu.js';

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * Collects latency samples (microseconds) into a fixed buffer. Past capacity it keeps a uniform random
 * sample (reservoir sampling), so memory stays bounded however long the run.
 */
export class LatencyRecorder {
  private readonly samples: Float64Array;
  private seen = 0;
  private maxUs = 0;
  private sumUs = 0;

  constructor(capacity = 1_000_000) {
    this.samples = new Float64Array(capacity);
  }

  /** Records one latency in microseconds. */
  add(us: number): void {
    const cap = this.samples.length;
    if (this.seen < cap) this.samples[this.seen] = us;
    else {
      const slot = Math.floor(Math.random() * (this.seen + 1));
      if (slot < cap) this.samples[slot] = us;
    }
    this.seen++;
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
  }

  /** Forgets everything recorded so far. */
  reset(): void {
    this.seen = 0;
    this.maxUs = 0;
    this.sumUs = 0;
  }

  /** Percentiles of what was recorded, in milliseconds. */
  summary(): LatencySummary {
    const n = Math.min(this.seen, this.samples.length);
    if (n === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
    const sorted = this.samples.slice(0, n).sort();
    const at = (q: number): number => round((sorted[Math.min(n - 1, Math.floor(q * n))] ?? 0) / 1000, 2);
    return {
      count: this.seen,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: round(this.maxUs / 1000, 2),
      mean: round(this.sumUs / this.seen / 1000, 2),
    };
  }
}

/** `a / b` rounded to two decimals, or null when `b` is 0 or missing. */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || b === 0) return null;
  return round(a / b, 2);
}
