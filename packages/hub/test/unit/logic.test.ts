import { ErrorCode, HeraldError, planResume } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { decideOpenDevHub, HubConfigError, isLoopbackHost } from '../../src/auth/dev-hub.js';
import { resolveConfig } from '../../src/config.js';
import { EncodedBatch, splitBatch } from '../../src/encoded-batch.js';
import { parseSeqParam } from '../../src/http/query.js';
import { ErrorBudget } from '../../src/limits/error-budget.js';
import { TokenBucket } from '../../src/limits/token-bucket.js';

function envs(from: number, to: number) {
  const out = [];
  for (let seq = from; seq <= to; seq++)
    out.push({ channel: 'c', seq, id: `e${seq}`, ts: '', type: 't', data: seq });
  return out;
}

describe('token bucket', () => {
  it('allows the burst, then the sustained rate', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    expect(bucket.waitMs()).toBe(500);
    now = 500;
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now = 100_000;
    expect(bucket.take(3)).toBe(true);
    expect(bucket.take(1)).toBe(false);
  });
});

describe('error budget', () => {
  it('trips after more than max errors in a window and resets after it', () => {
    const budget = new ErrorBudget(3, 1000);
    expect([budget.spend(1), budget.spend(2), budget.spend(3)]).toEqual([false, false, false]);
    expect(budget.spend(4)).toBe(true);
    expect(budget.spend(2000)).toBe(false);
  });
});

describe('resume plan', () => {
  const info = { epoch: 'E', lastSeq: 50, firstSeq: 41 };
  it('replays inside [firstSeq-1, lastSeq] of the same epoch', () => {
    expect(planResume(info, { seq: 40 })).toMatchObject({ recovered: true, from: 40 });
    expect(planResume(info, { seq: 50, epoch: 'E' })).toMatchObject({ recovered: true, from: 50 });
    expect(planResume(info, undefined)).toMatchObject({ recovered: true, from: 50 });
  });
  it('reports recovered:false outside the window or in another epoch', () => {
    expect(planResume(info, { seq: 39 })).toMatchObject({ recovered: false, from: 50 });
    expect(planResume(info, { seq: 51 })).toMatchObject({ recovered: false, from: 50 });
    expect(planResume(info, { seq: 45, epoch: 'other' })).toMatchObject({ recovered: false, from: 50 });
    expect(planResume({ epoch: 'E', lastSeq: 0, firstSeq: 1 }, { seq: 0 })).toMatchObject({
      recovered: true,
    });
  });
});

describe('encoded batches', () => {
  it('cuts what a subscriber already has and splits by size', () => {
    const batch = new EncodedBatch('c', envs(1, 10));
    expect(batch.after(0)).toBe(batch);
    expect(batch.after(10)).toBeNull();
    expect(batch.after(7)?.envelopes.map((e) => e.seq)).toEqual([8, 9, 10]);
    const parts = splitBatch(batch, batch.bytes / 3);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.flatMap((p) => p.envelopes.map((e) => e.seq))).toEqual(envs(1, 10).map((e) => e.seq));
    expect(JSON.parse(batch.frame().toString())).toEqual({ type: 'events', events: envs(1, 10) });
  });
});

describe('dev-hub rule and config', () => {
  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.com']) expect(isLoopbackHost(h), h).toBe(false);
  });
  it('runs open only on loopback without auth', () => {
    expect(decideOpenDevHub('127.0.0.1', undefined)).toBe(true);
    expect(decideOpenDevHub('0.0.0.0', { jwtSecret: 's' })).toBe(false);
    expect(decideOpenDevHub('127.0.0.1', { publisherKeys: ['k'] })).toBe(false);
    expect(() => decideOpenDevHub('0.0.0.0', { publisherKeys: [''] })).toThrow(HubConfigError);
  });
  it('applies defaults and rejects bad limits', () => {
    const c = resolveConfig({});
    expect(c).toMatchObject({ port: 0, host: '127.0.0.1', heartbeatMs: 25_000, handshakeTimeoutMs: 10_000 });
    expect(c.limits).toMatchObject({ maxFrameBytes: 65_536, maxChannelsPerConnection: 100, maxBatch: 100 });
    expect(() => resolveConfig({ limits: { maxFrameBytes: -1 } })).toThrow(/maxFrameBytes/);
    expect(() => resolveConfig({ port: 70_000 })).toThrow(/port/);
    // What a JavaScript caller may write: a clear TypeError, not one from deep inside the store factory.
    const loose = { store: 'memory' } as unknown as Parameters<typeof resolveConfig>[0];
    expect(() => resolveConfig(loose)).toThrow(/store must be a store spec/);
  });
});

describe('query positions', () => {
  it('parses non-negative integers and rejects the rest with ERR_BAD_POSITION', () => {
    expect(parseSeqParam('after', undefined, 0)).toBe(0);
    expect(parseSeqParam('after', '42', 0)).toBe(42);
    for (const raw of ['-1', '1.5', 'abc', '1e3', '99999999999999999']) {
      try {
        parseSeqParam('after', raw, 0);
        expect.unreachable(raw);
      } catch (err) {
        expect(err).toBeInstanceOf(HeraldError);
        expect((err as HeraldError).code).toBe(ErrorCode.BadPosition);
      }
    }
  });
});
