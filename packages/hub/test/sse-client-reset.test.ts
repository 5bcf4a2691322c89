import { createClient, type GapInfo } from '@herald/client';
import type { Envelope } from '@herald/protocol';
import { http, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Hub, startHub } from '../src/index.js';
import { startPrivateRedis } from './engines/private-redis.js';
import { type Cleanups, runCleanups } from './engines/scenario.js';

// @herald/client's SSE transport when a channel's history is reset under its live stream (a Redis that
// restarted empty): the hub tells the stream in band (`event: gap`); the transport closes, the client
// resubscribes from its old position, whose epoch is gone, and raises exactly one gap before the new
// history. Two hub nodes: the subscriber on B, the publisher on A.

const cleanups: Cleanups = [];
afterEach(() => runCleanups(cleanups));

async function node(redis: { url: string; keyPrefix: string }): Promise<Hub> {
  const hub = await startHub({
    port: 0,
    logger: false,
    store: { kind: 'redis', url: redis.url, keyPrefix: redis.keyPrefix },
  });
  cleanups.push(() => hub.close());
  return hub;
}

type Seen = { readonly event: Envelope } | { readonly gap: GapInfo };

describe('the SSE transport under a history reset', () => {
  it('raises one gap with the old position, then delivers the new history, never mixed with the old', async () => {
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.stop());
    const a = await node(redis);
    const b = await node(redis);
    const client = createClient({
      url: b.url,
      transports: ['sse'],
      backoff: { initialMs: 50, maxMs: 250, minUptimeMs: 300 },
    });
    cleanups.push(() => client.close());
    const closes: string[] = [];
    client.on('disconnected', ({ reason }) => closes.push(reason));
    const seen: Seen[] = [];
    const sub = client.subscribe('run:sse-reset', {
      onEvent: (event) => seen.push({ event }),
      onGap: (gap) => seen.push({ gap }),
    });
    await waitFor(() => sub.position() !== null && b.stats().sseStreams === 1);
    for (let i = 1; i <= 3; i++) await a.publish('run:sse-reset', [{ type: 'n', data: i, id: `old${i}` }]);
    await waitFor(() => seen.length === 3);
    const oldEpoch = sub.position()?.epoch;

    await redis.restart(); // empty: the channel's history starts again in a new epoch
    await waitFor(() => seen.some((s) => 'gap' in s), { timeoutMs: 10_000 });
    await waitFor(() => b.stats().sseStreams === 1); // the client resubscribed
    await a.publish('run:sse-reset', [{ type: 'n', data: 'new', id: 'new1' }]);
    await waitFor(() => seen.length === 5, { timeoutMs: 10_000 });

    const now = (await http(`${a.url}/v1/channels/run:sse-reset/events`)).body as { epoch: string };
    expect(now.epoch).not.toBe(oldEpoch);
    expect(
      seen.map((s) =>
        'gap' in s ? `gap:${s.gap.last?.seq}->${s.gap.lastSeq}` : `${s.event.seq}:${s.event.id}`,
      ),
    ).toEqual(['1:old1', '2:old2', '3:old3', 'gap:3->0', '1:new1']);
    const gap = seen.find((s): s is { gap: GapInfo } => 'gap' in s)?.gap;
    expect(gap).toMatchObject({
      channel: 'run:sse-reset',
      last: { epoch: oldEpoch, seq: 3 },
      epoch: now.epoch,
    });
    expect(sub.position()).toEqual({ epoch: now.epoch, seq: 1 });
    expect(client.getStatus().transport).toBe('sse');
    expect(closes).toEqual(['history reset']); // told in band: the stream itself did not end
  }, 60_000);
});
