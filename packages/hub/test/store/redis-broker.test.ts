import type { Envelope } from '@herald/protocol';
import { ErrorCode, HeraldError } from '@herald/protocol';
import { waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisBroker, type RedisBroker } from '../../src/store/redis-broker.js';
import { REDIS_URL, testPrefix } from './redis-keys.js';

const envelope = (channel: string, seq: number): Envelope => ({
  channel,
  seq,
  id: `id-${seq}`,
  ts: '2026-01-01T00:00:00.000Z',
  type: 't',
  data: { seq },
});

describe('redis broker', () => {
  const open: RedisBroker[] = [];
  function broker(keyPrefix: string): RedisBroker {
    const b = createRedisBroker({ url: REDIS_URL, keyPrefix });
    open.push(b);
    return b;
  }
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });

  it('fans out between nodes on separate connections, each handler getting each publish once', async () => {
    const keyPrefix = testPrefix();
    const a = broker(keyPrefix);
    const b = broker(keyPrefix);
    await Promise.all([a.ready(), b.ready()]);
    const seenA: string[] = [];
    const seenB: string[] = [];
    a.onEnvelopes((ch, evs) => seenA.push(...evs.map((e) => `${ch}#${e.seq}`)));
    b.onEnvelopes((ch, evs) => seenB.push(...evs.map((e) => `${ch}#${e.seq}`)));

    await a.publish('run:1', [envelope('run:1', 1), envelope('run:1', 2)]);
    await b.publish('run:2', [envelope('run:2', 1)]);
    await a.publish('run:1', [envelope('run:1', 3)]);

    await waitFor(() => seenA.length >= 4 && seenB.length >= 4);
    // A later marker from each side: once it has arrived, any echo of an earlier own publish would have too.
    await b.publish('marker:b', [envelope('marker:b', 1)]);
    await a.publish('marker:a', [envelope('marker:a', 1)]);
    await waitFor(() => seenA.length >= 6 && seenB.length >= 6);
    // Order is promised per channel only: a node's own publishes are delivered before remote ones arrive.
    for (const seen of [seenA, seenB]) {
      expect(seen.filter((s) => s.startsWith('marker:'))).toHaveLength(2);
      expect(seen).toHaveLength(6);
      expect(seen.filter((s) => s.startsWith('run:1#'))).toEqual(['run:1#1', 'run:1#2', 'run:1#3']);
      expect(seen.filter((s) => s.startsWith('run:2#'))).toEqual(['run:2#1']);
    }
  });

  it('relays publishes as Redis ran them, holding and dropping nothing (the fan-out orders)', async () => {
    const keyPrefix = testPrefix();
    const nodes = [broker(keyPrefix), broker(keyPrefix), broker(keyPrefix)] as const;
    await Promise.all(nodes.map((n) => n.ready()));
    const seen = nodes.map(() => [] as number[]);
    for (const [i, n] of nodes.entries())
      n.onEnvelopes((_ch, evs) => seen[i]?.push(...evs.map((e) => e.seq)));
    const [a, b] = nodes;
    await a.publish('c', [envelope('c', 1)]);
    await waitFor(() => seen.every((s) => s.length === 1));
    // Seq 3 is announced before seq 2, as when node b's announcement is slower than node a's. The broker
    // passes both on at once, as they come; the hub's ChannelSequencer puts them back in order.
    await a.publish('c', [envelope('c', 3)]);
    await waitFor(() => seen.every((s) => s.includes(3)));
    await b.publish('c', [envelope('c', 2)]);
    await waitFor(() => seen.every((s) => s.length === 3));
    expect(seen).toEqual([
      [1, 3, 2],
      [1, 3, 2],
      [1, 3, 2],
    ]);
  });

  it('delivers envelopes intact across nodes', async () => {
    const keyPrefix = testPrefix();
    const a = broker(keyPrefix);
    const b = broker(keyPrefix);
    await Promise.all([a.ready(), b.ready()]);
    const received: Envelope[] = [];
    b.onEnvelopes((_ch, evs) => received.push(...evs));
    const sent = { ...envelope('c', 9), data: { nested: [1, 'two', null], ok: true } };
    await a.publish('c', [sent]);
    await waitFor(() => received.length === 1);
    expect(received).toEqual([sent]);
  });

  it('does not cross key prefixes', async () => {
    const other = broker(testPrefix());
    const prefix = testPrefix();
    const b = broker(prefix);
    const b2 = broker(prefix);
    await Promise.all([other.ready(), b.ready(), b2.ready()]);
    const seenB: number[] = [];
    b.onEnvelopes((_ch, evs) => seenB.push(...evs.map((e) => e.seq)));
    await other.publish('c', [envelope('c', 1)]);
    await b2.publish('c', [envelope('c', 2)]);
    // Redis relays publishes in the order it ran them: once b has b2's later message, it would also have
    // had the other prefix's earlier one.
    await waitFor(() => seenB.length > 0);
    expect(seenB).toEqual([2]);
  });

  it('closes idempotently and refuses publishes afterwards', async () => {
    const a = broker(testPrefix());
    await a.ready();
    await a.close();
    await a.close();
    await expect(a.publish('c', [envelope('c', 1)])).rejects.toSatisfy(
      (e: unknown) => e instanceof HeraldError && e.code === ErrorCode.ShuttingDown,
    );
  });
});
