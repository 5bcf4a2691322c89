import type { Envelope, PublishInput } from '@herald/protocol';
import { waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelRegistry, type ChannelSubscriber } from '../../src/channels.js';
import { EncodedBatch } from '../../src/encoded-batch.js';
import { PeerSubscription, type SubscriptionSink } from '../../src/peer/peer-subscription.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/types.js';

/**
 * A real memory store whose history can be lost: `reset()` puts a fresh one (a new epoch, seqs from 1) in
 * its place, as Redis restarted without persistence does.
 */
function resettableStore() {
  const made: EventStore[] = [];
  const fresh = () => {
    const s = createMemoryStore({}, { trimIntervalMs: 0 });
    made.push(s);
    return s;
  };
  let current = fresh();
  const store: EventStore = {
    append: (c, inputs) => current.append(c, inputs),
    state: (c) => current.state(c),
    read: (c, after, limit) => current.read(c, after, limit),
    info: (c) => current.info(c),
    trim: () => current.trim(),
    close: async () => {
      await Promise.all(made.map((s) => s.close()));
    },
  };
  return {
    store,
    reset: () => {
      current = fresh();
    },
  };
}

/** Records what a subscriber is handed: `<epoch>:<seqs>` per batch, `reset:<epoch>` per reset. */
class Recorder implements ChannelSubscriber {
  readonly log: string[] = [];
  deliver(batch: EncodedBatch, epoch: string | null): void {
    this.log.push(`${epoch}:${batch.envelopes.map((e) => e.seq).join(',')}`);
  }
  historyReset(epoch: string): void {
    this.log.push(`reset:${epoch}`);
  }
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const inputs = (n: number): PublishInput[] => Array.from({ length: n }, (_, i) => ({ type: 't', data: i }));
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

async function setup() {
  const { store, reset } = resettableStore();
  closers.push(() => store.close());
  const errors: unknown[] = [];
  const resets: string[] = [];
  const registry = new ChannelRegistry(
    store,
    (err) => errors.push(err),
    (channel, from, to, subscribers) => resets.push(`${channel}:${from}->${to.epoch}:${subscribers}`),
  );
  const sub = new Recorder();
  registry.add('c', sub);
  const first = await store.append('c', inputs(3));
  registry.broadcast('c', first.stored, first.epoch);
  await waitFor(() => sub.log.length === 1);
  return { store, reset, registry, sub, errors, resets, e1: first.epoch };
}

describe('fan-out across a history reset (ChannelRegistry + ChannelSequencer)', () => {
  it('takes a batch of a new epoch as a reset, not as repeats: the new history from seq 1, then the reset', async () => {
    const { store, reset, registry, sub, errors, resets, e1 } = await setup();
    reset();
    const second = await store.append('c', inputs(2));
    const e2 = second.epoch;
    expect(e2).not.toBe(e1);
    // Only the newest envelope arrives (its batch was cut, or the first was lost): seq 2 <= last, 3 seen.
    registry.broadcast('c', second.stored.slice(1), e2);
    await waitFor(() => sub.log.length === 3);
    expect(sub.log).toEqual([`${e1}:1,2,3`, `${e2}:1,2`, `reset:${e2}`]);
    expect(resets).toEqual([`c:${e1}->${e2}:1`]);
    // And it goes on in the new history.
    const third = await store.append('c', inputs(1));
    registry.broadcast('c', third.stored, e2);
    await waitFor(() => sub.log.length === 4);
    expect(sub.log[3]).toBe(`${e2}:3`);
    expect(errors).toEqual([]);
  });

  it('recheck (a broker reconnect) finds a reset with no batch at all, and does nothing when in step', async () => {
    const { store, reset, registry, sub, errors, resets, e1 } = await setup();
    registry.recheck();
    await settle();
    expect(sub.log).toEqual([`${e1}:1,2,3`]);
    reset();
    const e2 = (await store.info('c')).epoch;
    registry.recheck();
    registry.recheck(); // one waiting recheck covers the second
    await waitFor(() => sub.log.length === 2);
    await settle();
    expect(sub.log).toEqual([`${e1}:1,2,3`, `reset:${e2}`]);
    expect(resets).toEqual([`c:${e1}->${e2}:1`]);
    expect(errors).toEqual([]);
  });

  it('recheck delivers what was stored past the last batch delivered (announcements lost)', async () => {
    const { store, registry, sub, errors, resets, e1 } = await setup();
    await store.append('c', inputs(2)); // never announced
    registry.recheck();
    await waitFor(() => sub.log.length === 2);
    // And it goes on with the next announcement.
    const more = await store.append('c', inputs(1));
    registry.broadcast('c', more.stored, more.epoch);
    await waitFor(() => sub.log.length === 3);
    expect(sub.log).toEqual([`${e1}:1,2,3`, `${e1}:4,5`, `${e1}:6`]);
    expect(resets).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('drops a late batch of the old history once the new one is known', async () => {
    const { store, reset, registry, sub, resets, e1 } = await setup();
    reset();
    const second = await store.append('c', inputs(1));
    registry.broadcast('c', second.stored, second.epoch);
    await waitFor(() => sub.log.length === 3);
    const late: Envelope = {
      channel: 'c',
      seq: 4,
      id: 'late',
      ts: new Date().toISOString(),
      type: 't',
      data: 0,
    };
    registry.broadcast('c', [late], e1);
    await settle();
    expect(sub.log).toHaveLength(3);
    expect(resets).toHaveLength(1);
  });

  it('takes a batch without an epoch (a broker that predates them) as of the known history', async () => {
    const { store, registry, sub, resets, e1 } = await setup();
    const more = await store.append('c', inputs(1));
    registry.broadcast('c', more.stored);
    await waitFor(() => sub.log.length === 2);
    expect(sub.log[1]).toBe(`${e1}:4`);
    expect(resets).toEqual([]);
  });
});

/** A sink that records what a subscription queues and whether it reported a reset. */
function recordingSink() {
  const queued: number[] = [];
  const resets: PeerSubscription[] = [];
  const sink: SubscriptionSink = {
    enqueueEvents: (batch) => queued.push(...batch.envelopes.map((e) => e.seq)),
    holdPending: () => {},
    feedBroken: () => {
      throw new Error('feed broken');
    },
    historyReset: (sub) => resets.push(sub),
  };
  return { sink, queued, resets };
}

describe('PeerSubscription across epochs', () => {
  async function batchOf(seqCount: number) {
    const store = createMemoryStore({}, { trimIntervalMs: 0 });
    closers.push(() => store.close());
    const { stored } = await store.append('c', inputs(seqCount));
    return new EncodedBatch('c', stored);
  }

  it('never forwards a live batch of another epoch, and reports a reset to another epoch', async () => {
    const { sink, queued, resets } = recordingSink();
    const sub = new PeerSubscription(sink, 'c');
    sub.startAfter(0, 'e1');
    sub.goLive();
    const batch = await batchOf(3);
    sub.deliver(batch, 'e2');
    expect(queued).toEqual([]);
    sub.historyReset('e1'); // its own epoch: nothing to tell
    expect(resets).toEqual([]);
    sub.historyReset('e2');
    expect(resets).toEqual([sub]);
    sub.deliver(batch, 'e1');
    expect(queued).toEqual([1, 2, 3]);
  });

  it('checks batches held during its replay against the epoch it resumed in', async () => {
    const { sink, queued } = recordingSink();
    const sub = new PeerSubscription(sink, 'c');
    const batch = await batchOf(2);
    sub.deliver(batch, 'old'); // arrived before the resume position was known
    sub.deliver(batch, 'now');
    sub.startAfter(0, 'now');
    sub.goLive();
    expect(queued).toEqual([1, 2]);
  });
});
