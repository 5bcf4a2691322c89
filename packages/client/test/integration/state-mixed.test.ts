import type { JsonValue, StateBody, StateOp } from '@herald/protocol';
import { range, startTestHub, type TestHub, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { createNotifyBatcher } from '../../src/store/batcher.js';
import { type ChannelStateSnapshot, ChannelStateStore } from '../../src/store/state-store.js';
import type { HeraldClient } from '../../src/types.js';
import { FAST } from './helpers.js';

// One client, one channel, two kinds of reader: an event log replaying from the start and a state store.
// They share the client's subscription, which the first of them opened without asking for a snapshot.

let hub: TestHub | undefined;
let client: HeraldClient | undefined;
afterEach(async () => {
  client?.close();
  await hub?.close();
  hub = client = undefined;
});

const CHANNEL = 'run:mixed';
const opsOf = (n: number): StateOp[] => [
  { op: 'increment', path: '/count', value: 1 },
  { op: 'append', path: '/log', value: `${n},` },
];

async function hubState(h: TestHub): Promise<StateBody> {
  return (await (await fetch(`${h.url}/v1/channels/${CHANNEL}/state`)).json()) as StateBody;
}

describe('a state store joining a channel another reader replays from the start', () => {
  it('never shows the empty document as live, and ends with the hub’s state', async () => {
    hub = await startTestHub({ sqlite: true });
    for (let n = 1; n <= 2000; n += 100)
      await hub.publish(
        CHANNEL,
        range(n, n + 99).map((i) => ({ type: 'tick', data: i, id: `e${i}`, state: opsOf(i) })),
      );
    client = createClient({ url: hub.url, ...FAST });
    const replayed: number[] = [];
    client.subscribe(CHANNEL, { since: { seq: 0 }, onEvent: (e) => replayed.push(e.seq) });

    const store = new ChannelStateStore(client, CHANNEL, {
      batcher: createNotifyBatcher((cb) => cb()), // every change is a frame: none can hide
    });
    const seen: ChannelStateSnapshot[] = [];
    store.subscribe(() => seen.push(store.getSnapshot()));
    await waitFor(() => store.getSnapshot().status === 'live' && store.getSnapshot().seq === 2000);
    const live = seen.filter((s) => s.status === 'live');
    expect(live.length).toBeGreaterThan(0);
    // Every live frame is a real state of the run (its count is its seq), never `{}` at seq 0.
    for (const frame of live) {
      expect(frame.seq).toBeGreaterThan(0);
      expect((frame.state as { count: number }).count).toBe(frame.seq);
    }

    await hub.publish(CHANNEL, [{ type: 'tick', data: 2001, id: 'e2001', state: opsOf(2001) }]);
    await waitFor(() => store.getSnapshot().seq === 2001 && replayed.length === 2001);
    expect(replayed).toEqual(range(1, 2001));
    const body = await hubState(hub);
    expect(store.getSnapshot().state as JsonValue).toEqual(body.state);
  });
});
