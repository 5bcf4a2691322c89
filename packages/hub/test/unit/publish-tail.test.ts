import type { Envelope } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Broker } from '../../src/store/types.js';
import { publisherOver } from './publisher-over.js';

/** A broker that fails the announcements the test names (by seq), by rejecting or throwing; records the rest. */
function failingBroker(
  fail: ReadonlyMap<number, 'reject' | 'throw'>,
): Broker & { readonly announced: string[] } {
  const announced: string[] = [];
  return {
    announced,
    publish(channel: string, envelopes: readonly Envelope[]): Promise<void> {
      const seq = envelopes[0]?.seq ?? 0;
      const how = fail.get(seq);
      if (how === 'throw') throw new Error(`announcement ${seq} threw`);
      if (how === 'reject') return Promise.reject(new Error(`announcement ${seq} failed`));
      for (const e of envelopes) announced.push(`${channel}#${e.seq}`);
      return Promise.resolve();
    },
    onEnvelopes: () => () => {},
    close: async () => {},
  };
}

const event = { type: 'progress', data: 1 };

describe('Publisher announcement tail', () => {
  it.each(['reject', 'throw'] as const)(
    'a broker call that fails (%s) fails its publish alone; the channel keeps announcing in order',
    async (how) => {
      const broker = failingBroker(new Map([[2, how]]));
      const publisher = publisherOver(createMemoryStore(), broker);
      const burst = [1, 2, 3].map(() => publisher.publishTrusted('run:a', [event]));
      const settled = await Promise.allSettled(burst);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
      // After the burst settled, the channel announces again straight away.
      const later = await publisher.publishTrusted('run:a', [event]);
      expect(later.results.map((r) => r.seq)).toEqual([4]);
      expect(broker.announced).toEqual(['run:a#1', 'run:a#3', 'run:a#4']);
    },
  );

  it('a publish whose events are all duplicates resolves without an announcement and frees the channel', async () => {
    const broker = failingBroker(new Map());
    const publisher = publisherOver(createMemoryStore(), broker);
    await publisher.publishTrusted('run:a', [{ ...event, id: 'same' }]);
    const again = await publisher.publishTrusted('run:a', [{ ...event, id: 'same' }]);
    expect(again.results).toEqual([{ id: 'same', seq: 1, duplicate: true }]);
    await publisher.publishTrusted('run:a', [event]);
    expect(broker.announced).toEqual(['run:a#1', 'run:a#2']);
  });
});
