/**
 * A token bucket: `ratePerSec` tokens refill continuously up to `burst`. Lazy refill, so an idle bucket costs
 * nothing but its three numbers.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  /**
   * @param ratePerSec - Sustained rate.
   * @param burst - Bucket size (and initial fill).
   * @param now - Clock, injectable for tests.
   */
  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes `cost` tokens if available. Returns false (taking nothing) when the bucket is short. */
  take(cost = 1): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSec);
    this.last = t;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Milliseconds until `cost` tokens are available (0 when they are now). */
  waitMs(cost = 1): number {
    const missing = cost - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing / this.ratePerSec) * 1000);
  }
}

/**
 * Token buckets by key (API key, token subject), with a size cap so unbounded keys cannot grow memory: the
 * oldest key is forgotten first, which at worst grants it a fresh burst.
 */
export class BucketMap {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** The bucket of `key`, created full on first use. */
  get(key: string): TokenBucket {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
      bucket = new TokenBucket(this.ratePerSec, this.burst);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
