import { ErrorCode, HeraldError } from '@herald/protocol';
import type { Principal } from '../auth/principal.js';
import type { LimitOptions } from '../config.js';
import { BucketMap, TokenBucket } from './token-bucket.js';

/** `ERR_RATE_LIMITED`, with how long until the publish would be accepted (HTTP sends it as `Retry-After`). */
export class RateLimitedError extends HeraldError {
  constructor(readonly retryAfterMs: number) {
    super(ErrorCode.RateLimited, 'publish rate exceeded');
  }
}

/**
 * The publish rate rule, for every transport: each event costs one token of its publisher's bucket
 * (`publishRatePerSec`, burst `publishBurst`). The publisher is the WebSocket connection when there is one
 * (so each tab of a user has its own rate); an HTTP request has no connection, so it counts against its
 * credential (the publisher key, or the token subject). An anonymous HTTP request on an open dev hub has
 * neither and is not limited. A batch larger than the burst is accepted from a full bucket, which it
 * empties, so no batch allowed by `maxBatch` is refused forever.
 */
export class PublishLimiter {
  private readonly byCredential: BucketMap;

  constructor(private readonly limits: Pick<LimitOptions, 'publishRatePerSec' | 'publishBurst'>) {
    this.byCredential = new BucketMap(limits.publishRatePerSec, limits.publishBurst);
  }

  /** A new bucket for one connection. */
  connectionBucket(): TokenBucket {
    return new TokenBucket(this.limits.publishRatePerSec, this.limits.publishBurst);
  }

  /** Takes `events` tokens from the publisher's bucket, or throws {@link RateLimitedError}. */
  take(principal: Principal, connection: TokenBucket | undefined, events: number): void {
    const bucket = connection ?? (principal.sub === null ? undefined : this.byCredential.get(principal.sub));
    if (bucket === undefined) return;
    const cost = Math.min(events, this.limits.publishBurst);
    if (!bucket.take(cost)) throw new RateLimitedError(bucket.waitMs(cost));
  }
}
