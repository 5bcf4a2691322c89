import type { Envelope } from '@herald/protocol';
import { waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelRegistry, type ChannelSubscriber } from '../../src/channels.js';
import type { EncodedBatch } from '../../src/encoded-batch.js';
import { createLocalBroker } from '../../src/store/local-broker.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Broker, EventStore } from '../../src/store/types.js';

class Collector implements ChannelSubscriber {
  readonly batches: number[][] = [];
  deliver(batch: EncodedBatch): void {
    this.batches.push(batch.envelopes.map((e) => e.seq));
  }
  historyReset(): void {}
  get seqs(): number[] {
    return this.batches.flat();
  }
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

const stores: EventStore[] = [];
const brokers: Broker[] = [];
afterEach(async () => {
  await Promise.all(brokers.splice(0).map((b) => b.close()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function setup(store: EventStore = createMemoryStore()) {
  stores.push(store);
  const errors: unknown[] = [];
  const registry = new ChannelRegistry(store, (err) => errors.push(err));
  return { store, registry, errors };
}

/** Appends `count` single-event publishes and returns their stored envelopes, one batch each. */
async function append(store: EventStore, channel: string, count: number): Promise<Envelope[][]> {
  const out: Envelope[][] = [];
  for (let i = 0; i < count; i++)
    out.push([...(await store.append(channel, [{ type: 't', data: i }])).stored]);
  return out;
}

/** Lets the sequencer's start (an async store.info) settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('gap-filling fan-out (ChannelRegistry + ChannelSequencer)', () => {
  it('delivers every seq in order through a local broker that drops every 3rd message', async () => {
    const { store, registry, errors } = setup();
    const broker = createLocalBroker();
    brokers.push(broker);
    let messages = 0;
    let dropped = 0;
    broker.onEnvelopes((channel, envelopes) => {
      if (++messages % 3 === 0) {
        dropped++;
        return;
      }
      registry.broadcast(channel, envelopes);
    });
    const sub = new Collector();
    registry.add('run:1', sub);
    for (let i = 0; i < 30; i++) {
      const { stored } = await store.append('run:1', [{ type: 't', data: i }]);
      await broker.publish('run:1', stored);
    }
    // The last message was dropped (30 % 3 === 0): publishing one more reveals the hole.
    const { stored } = await store.append('run:1', [{ type: 't', data: 30 }]);
    await broker.publish('run:1', stored);
    await waitFor(() => sub.seqs.length === 31);
    expect(dropped).toBe(10);
    expect(sub.seqs).toEqual(range(1, 31));
    expect(errors).toEqual([]);
  });

  it('puts crossing batches back in order and drops the late one as a duplicate', async () => {
    const { store, registry } = setup();
    const sub = new Collector();
    registry.add('c', sub);
    await settle();
    const [b1, b2, b3] = await append(store, 'c', 3);
    registry.broadcast('c', b1 ?? []);
    registry.broadcast('c', b3 ?? []);
    await waitFor(() => sub.seqs.length === 3);
    registry.broadcast('c', b2 ?? []);
    registry.broadcast('c', [...(b2 ?? []), ...(b3 ?? [])]);
    const { stored } = await store.append('c', [{ type: 't', data: 4 }]);
    registry.broadcast('c', stored);
    await waitFor(() => sub.seqs.length >= 4);
    expect(sub.batches).toEqual([[1], [2], [3], [4]]);
  });

  it('starts from the store position when the first subscriber arrives', async () => {
    const { store, registry } = setup();
    await append(store, 'c', 5);
    const sub = new Collector();
    registry.add('c', sub);
    const [b6, , b8] = await append(store, 'c', 3);
    registry.broadcast('c', b6 ?? []);
    registry.broadcast('c', b8 ?? []);
    await waitFor(() => sub.seqs.length === 3);
    // 1..5 were stored before anyone listened: replay, not the live feed, serves them.
    expect(sub.seqs).toEqual([6, 7, 8]);
  });

  it('serialises concurrent fills of one channel so order holds', async () => {
    const inner = createMemoryStore();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reads = 0;
    const slow: EventStore = {
      ...inner,
      append: (c, i) => inner.append(c, i),
      info: (c) => inner.info(c),
      read: async (c, after, limit) => {
        reads++;
        await gate;
        return inner.read(c, after, limit);
      },
      trim: () => inner.trim(),
      close: () => inner.close(),
    };
    const { registry } = setup(slow);
    const sub = new Collector();
    registry.add('c', sub);
    await settle();
    const batches = await append(inner, 'c', 6);
    registry.broadcast('c', batches[2] ?? []); // needs 1..2 (read blocked)
    registry.broadcast('c', batches[4] ?? []); // needs 4, must wait behind the first fill
    registry.broadcast('c', batches[3] ?? []); // arrives while both wait
    registry.broadcast('c', batches[5] ?? []);
    await waitFor(() => reads === 1);
    expect(sub.seqs).toEqual([]);
    release();
    await waitFor(() => sub.seqs.length === 6);
    expect(sub.seqs).toEqual(range(1, 6));
  });

  it('forgets a channel when its last subscriber leaves and restarts from the store after', async () => {
    const { store, registry } = setup();
    const first = new Collector();
    registry.add('c', first);
    await settle();
    const [b1, b2] = await append(store, 'c', 2);
    registry.broadcast('c', b1 ?? []);
    registry.remove('c', first);
    expect(registry.channelCount).toBe(0);
    registry.broadcast('c', b2 ?? []);
    expect(first.seqs).toEqual([1]);
    const second = new Collector();
    registry.add('c', second);
    const [b3] = await append(store, 'c', 1);
    registry.broadcast('c', b3 ?? []);
    await waitFor(() => second.seqs.length === 1);
    expect(second.seqs).toEqual([3]);
    expect(first.seqs).toEqual([1]);
  });

  it('keeps delivering to the others when one subscriber throws', async () => {
    const { store, registry, errors } = setup();
    const good = new Collector();
    registry.add('c', {
      deliver: () => {
        throw new Error('broken subscriber');
      },
      historyReset: () => {},
    });
    registry.add('c', good);
    await settle();
    const [b1] = await append(store, 'c', 1);
    registry.broadcast('c', b1 ?? []);
    expect(good.seqs).toEqual([1]);
    expect(errors).toHaveLength(1);
  });
});
