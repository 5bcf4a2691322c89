import type { Envelope } from '@herald/protocol';
import { ErrorCode, HeraldError } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { createLocalBroker } from '../../src/store/local-broker.js';

const envelope = (seq: number): Envelope => ({
  channel: 'c',
  seq,
  id: `id-${seq}`,
  ts: '2026-01-01T00:00:00.000Z',
  type: 't',
  data: seq,
});

describe('local broker', () => {
  it('delivers each publish to every handler, in order', async () => {
    const broker = createLocalBroker();
    const seen: string[] = [];
    broker.onEnvelopes((ch, evs) => seen.push(`a:${ch}:${evs.map((e) => e.seq).join(',')}`));
    broker.onEnvelopes((ch, evs) => seen.push(`b:${ch}:${evs.map((e) => e.seq).join(',')}`));
    await broker.publish('c', [envelope(1), envelope(2)]);
    await broker.publish('c', [envelope(3)]);
    expect(seen).toEqual(['a:c:1,2', 'b:c:1,2', 'a:c:3', 'b:c:3']);
    await broker.close();
  });

  it('stops delivering to a removed handler, even one removed during delivery', async () => {
    const broker = createLocalBroker();
    const seen: string[] = [];
    const offA = broker.onEnvelopes(() => {
      seen.push('a');
      offA();
    });
    broker.onEnvelopes(() => seen.push('b'));
    await broker.publish('c', [envelope(1)]);
    await broker.publish('c', [envelope(2)]);
    expect(seen).toEqual(['a', 'b', 'b']);
    offA();
    await broker.close();
  });

  it('removes one registration per returned function', async () => {
    const broker = createLocalBroker();
    let calls = 0;
    const handler = () => {
      calls++;
    };
    const off1 = broker.onEnvelopes(handler);
    broker.onEnvelopes(handler);
    off1();
    off1();
    await broker.publish('c', [envelope(1)]);
    expect(calls).toBe(1);
    await broker.close();
  });

  it('still reaches every handler when one throws, then rejects', async () => {
    const broker = createLocalBroker();
    const seen: number[] = [];
    broker.onEnvelopes(() => {
      throw new Error('faulty');
    });
    broker.onEnvelopes((_ch, evs) => seen.push(...evs.map((e) => e.seq)));
    await expect(broker.publish('c', [envelope(7)])).rejects.toThrow('faulty');
    expect(seen).toEqual([7]);
    await broker.close();
  });

  it('closes idempotently and refuses publishes afterwards', async () => {
    const broker = createLocalBroker();
    let calls = 0;
    broker.onEnvelopes(() => {
      calls++;
    });
    await broker.close();
    await broker.close();
    await expect(broker.publish('c', [envelope(1)])).rejects.toSatisfy(
      (e: unknown) => e instanceof HeraldError && e.code === ErrorCode.ShuttingDown,
    );
    expect(calls).toBe(0);
  });
});
