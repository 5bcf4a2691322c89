import { ErrorCode } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { keyPrincipal, OPEN_PRINCIPAL } from '../../src/auth/principal.js';
import { PublishLimiter, RateLimitedError } from '../../src/limits/publish-limiter.js';

const limits = { publishRatePerSec: 1, publishBurst: 3 };

function refused(fn: () => void): RateLimitedError | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof RateLimitedError) return err;
    throw err;
  }
}

describe('publish rate rule', () => {
  it('counts a credential once across requests, and a connection on its own', () => {
    const limiter = new PublishLimiter(limits);
    const key = keyPrincipal('key:abc');
    limiter.take(key, undefined, 3);
    const over = refused(() => limiter.take(key, undefined, 1));
    expect(over?.code).toBe(ErrorCode.RateLimited);
    expect(over?.retryAfterMs).toBeGreaterThan(0);
    // The same key over a WebSocket connection spends that connection's bucket.
    const connection = limiter.connectionBucket();
    expect(refused(() => limiter.take(key, connection, 3))).toBeUndefined();
    expect(refused(() => limiter.take(key, connection, 1))).toBeInstanceOf(RateLimitedError);
  });

  it('does not limit anonymous HTTP publishes, and limits anonymous connections', () => {
    const limiter = new PublishLimiter(limits);
    for (let i = 0; i < 10; i++) limiter.take(OPEN_PRINCIPAL, undefined, 3);
    const connection = limiter.connectionBucket();
    limiter.take(OPEN_PRINCIPAL, connection, 3);
    expect(refused(() => limiter.take(OPEN_PRINCIPAL, connection, 1))).toBeInstanceOf(RateLimitedError);
  });

  it('accepts a batch larger than the burst from a full bucket (it used to be refused forever)', () => {
    const limiter = new PublishLimiter(limits);
    const key = keyPrincipal('key:big');
    expect(refused(() => limiter.take(key, undefined, 10))).toBeUndefined();
    expect(refused(() => limiter.take(key, undefined, 10))?.retryAfterMs).toBeLessThanOrEqual(3000);
  });
});
