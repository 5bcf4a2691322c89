import type { Envelope, PublishInput } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import type { AppendResult, Broker, EventStore } from '../../src/store/types.js';
import { publisherOver } from './publisher-over.js';

/** A store whose appends settle when the test says, in any order (a networked store can do that). */
function manualStore() {
  const base = createMemoryStore();
  const pending: { settle: (ok: boolean) => void; channel: string }[] = [];
  let seq = 0;
  const store: EventStore = {
    ...base,
    append(channel: string, inputs: readonly PublishInput[]): Promise<AppendResult> {
      const mySeq = ++seq;
      return new Promise<AppendResult>((resolve, reject) => {
        pending.push({
          channel,
          settle: (ok) => {
            if (!ok) return reject(new Error(`append ${mySeq} failed`));
            const stored: Envelope[] = inputs.map((input) => ({
              channel,
              seq: mySeq,
              id: `e${mySeq}`,
              ts: '2026-01-01T00:00:00.000Z',
              type: input.type,
              data: input.data ?? null,
            }));
            const results = stored.map((e) => ({ id: e.id, seq: e.seq, duplicate: false }));
            resolve({ results, stored, epoch: 'e1' });
          },
        });
      });
    },
  };
  return { store, pending };
}

/** A broker that records what it was asked to announce, in order. */
function recordingBroker(): Broker & { readonly announced: string[] } {
  const announced: string[] = [];
  return {
    announced,
    async publish(channel, envelopes) {
      for (const e of envelopes) announced.push(`${channel}#${e.seq}`);
    },
    onEnvelopes: () => () => {},
    close: async () => {},
  };
}

const event = { type: 'progress', data: 1 };
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Publisher announcement order', () => {
  it('announces a channel in call order when its appends settle out of order', async () => {
    const { store, pending } = manualStore();
    const broker = recordingBroker();
    const publisher = publisherOver(store, broker);
    const results = [1, 2, 3].map(() => publisher.publishTrusted('run:a', [event]));
    pending[2]?.settle(true);
    pending[1]?.settle(true);
    await tick();
    expect(broker.announced).toEqual([]); // the first is still pending: nothing may overtake it
    pending[0]?.settle(true);
    await Promise.all(results);
    expect(broker.announced).toEqual(['run:a#1', 'run:a#2', 'run:a#3']);
  });

  it('does not hold one channel behind another', async () => {
    const { store, pending } = manualStore();
    const broker = recordingBroker();
    const publisher = publisherOver(store, broker);
    const a = publisher.publishTrusted('run:a', [event]);
    const b = publisher.publishTrusted('run:b', [event]);
    pending[1]?.settle(true);
    await b;
    expect(broker.announced).toEqual(['run:b#2']);
    pending[0]?.settle(true);
    await a;
    expect(broker.announced).toEqual(['run:b#2', 'run:a#1']);
  });

  it('a failed append rejects alone and the next one of the channel still goes out, after it', async () => {
    const { store, pending } = manualStore();
    const broker = recordingBroker();
    const publisher = publisherOver(store, broker);
    const first = publisher.publishTrusted('run:a', [event]);
    const second = publisher.publishTrusted('run:a', [event]);
    pending[1]?.settle(true);
    await tick();
    expect(broker.announced).toEqual([]);
    pending[0]?.settle(false);
    await expect(first).rejects.toThrow('append 1 failed');
    await expect(second).resolves.toMatchObject({ results: [{ seq: 2 }] });
    expect(broker.announced).toEqual(['run:a#2']);
  });

  it('a channel publishes again after a burst has settled', async () => {
    const { store, pending } = manualStore();
    const broker = recordingBroker();
    const publisher = publisherOver(store, broker);
    const burst = [1, 2].map(() => publisher.publishTrusted('run:a', [event]));
    for (const p of pending) p.settle(true);
    await Promise.all(burst);
    await tick();
    const later = publisher.publishTrusted('run:a', [event]);
    pending[2]?.settle(true);
    await later;
    expect(broker.announced).toEqual(['run:a#1', 'run:a#2', 'run:a#3']);
  });
});
