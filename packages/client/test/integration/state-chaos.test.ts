import { applyStateOps, type JsonValue, type StateBody, type StateOp } from '@herald/protocol';
import { type TestHub, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createNotifyBatcher } from '../../src/store/batcher.js';
import { ChannelStateStore } from '../../src/store/state-store.js';
import { type Scenario, scenario, sleep } from './helpers.js';

// The chaos scenario of stream.test.ts (cuts, a black hole, a hub restart; real hub, real sockets through
// the fault proxy) with subscribers that keep state: a raw `snapshot: true` subscription, whose event
// sequence after each snapshot must be exact, and the store, whose final state must equal GET /state.

let s: Scenario | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const CHANNEL = 'job:chaos';
const opsOf = (n: number): StateOp[] => [
  { op: 'increment', path: '/count', value: 1 },
  { op: 'append', path: '/log', value: `${n},` },
  { op: 'add', path: '/last', value: n },
];

/** Publishes events `from..to` with state ops, one every `intervalMs`, retrying (same id) while the hub restarts. */
async function publishRange(hub: TestHub, from: number, to: number, intervalMs: number): Promise<void> {
  for (let n = from; n <= to; n++) {
    for (;;) {
      try {
        await hub.publish(CHANNEL, [{ type: 'tick', data: { n }, id: `ev-${n}`, state: opsOf(n) }]);
        break;
      } catch {
        await sleep(20);
      }
    }
    if (intervalMs) await sleep(intervalMs);
  }
}

describe('state subscribers through cuts, a black hole and a hub restart', () => {
  it('end with the hub’s state, and see exactly the events after each snapshot', async () => {
    // History keeps 50 events: the pre-published 200 are mostly trimmed, the state keeps all of them.
    s = await scenario({ sqlite: true, retention: { maxCount: 50 } });
    const sc = s;
    await publishRange(sc.hub, 1, 200, 0);

    // A raw subscriber: every snapshot and event in the order it arrived.
    const timeline: ({ snapshot: StateBody } | { seq: number; state: readonly StateOp[] | undefined })[] = [];
    const gaps: unknown[] = [];
    sc.client.subscribe(CHANNEL, {
      snapshot: true,
      onSnapshot: (snapshot) => timeline.push({ snapshot }),
      onEvent: (e) => timeline.push({ seq: e.seq, state: e.state }),
      onGap: (g) => gaps.push(g),
    });
    const store = new ChannelStateStore(sc.client, CHANNEL, {
      batcher: createNotifyBatcher((cb) => setTimeout(cb, 5)),
    });
    store.subscribe(() => {});
    await waitFor(() => store.getSnapshot().status === 'live' && store.getSnapshot().seq === 200);
    expect(timeline[0]).toMatchObject({ snapshot: { seq: 200 } });

    const total = 1000;
    const pub = publishRange(sc.hub, 201, total, 10);
    let published = 200;
    const counting = pub.then(() => {
      published = total;
    });
    await waitFor(() => store.getSnapshot().seq >= 260);
    sc.proxy.cutAll();
    await waitFor(() => store.getSnapshot().seq >= 320);
    sc.proxy.blackhole(true);
    await sleep(1500); // the heartbeat watchdog finds the dead link
    sc.proxy.blackhole(false);
    await waitFor(() => store.getSnapshot().seq >= 600, { timeoutMs: 20_000 });
    await sc.hub.restart();
    await waitFor(() => store.getSnapshot().seq >= 750, { timeoutMs: 20_000 });
    expect(published).toBeLessThan(total); // every fault hits the stream mid-way
    sc.proxy.cutAll();
    await counting;
    await waitFor(() => store.getSnapshot().seq === total, { timeoutMs: 20_000 });

    const response = await fetch(`${sc.hub.url}/v1/channels/${encodeURIComponent(CHANNEL)}/state`);
    const hubState = (await response.json()) as StateBody;
    expect(hubState.seq).toBe(total);
    expect(store.getSnapshot().state).toEqual(hubState.state);
    expect(hubState.state).toMatchObject({ count: total, last: total });

    // The raw subscriber: after each snapshot, exactly the next seqs (no gap, no duplicate), and folding its
    // events onto its snapshot with applyStateOps gives the hub's state too.
    let position = -1;
    let folded: JsonValue = {};
    for (const item of timeline) {
      if ('snapshot' in item) {
        position = item.snapshot.seq;
        folded = item.snapshot.state;
        continue;
      }
      expect(item.seq).toBe(position + 1);
      position = item.seq;
      const next = applyStateOps(folded, item.state ?? []);
      if (!next.ok) throw new Error(`ops of ${item.seq} failed: ${next.error.message}`);
      folded = next.state;
    }
    expect(position).toBe(total);
    expect(folded).toEqual(hubState.state);
    expect(gaps).toEqual([]);
    // Cut, black hole, restart and the last cut each cost a connection (the last may still be coming back).
    await waitFor(() => sc.client.stats().reconnects >= 4, { timeoutMs: 10_000 });
  }, 90_000);
});
