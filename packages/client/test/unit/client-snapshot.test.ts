import type { Envelope, StateBody } from '@herald/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GapInfo, SubscribedInfo } from '../../src/types.js';
import { eventsFrame, FakeWebSocket, fakeClient, settle, useFakeTime } from './fakes.js';

beforeEach(useFakeTime);
afterEach(() => {
  vi.useRealTimers();
});

async function connected() {
  const made = fakeClient();
  made.client.connect();
  await settle();
  FakeWebSocket.last().accept();
  return made;
}

const snapshot = (seq: number, epoch = 'e1'): StateBody & { type: 'snapshot' } => ({
  type: 'snapshot',
  channel: 'run:1',
  epoch,
  seq,
  state: { n: seq },
});

describe('client subscriptions with snapshot: true', () => {
  it('asks for state, hands the snapshot over, then the events after its seq', async () => {
    const { client } = await connected();
    const snapshots: StateBody[] = [];
    const infos: SubscribedInfo[] = [];
    const got: number[] = [];
    const sub = client.subscribe('run:1', {
      snapshot: true,
      onSnapshot: (s) => snapshots.push(s),
      onSubscribed: (i) => infos.push(i),
      onEvent: (e: Envelope) => got.push(e.seq),
    });
    const ws = FakeWebSocket.last();
    expect(ws.sentOf('subscribe')[0]).toMatchObject({ channel: 'run:1', snapshot: true });
    expect(ws.sentOf('subscribe')[0]?.since).toBeUndefined();
    ws.answerSubscribes('e1', 40);
    expect(infos[0]).toMatchObject({ lastSeq: 40, recovered: true, snapshot: true });
    ws.deliver(snapshot(40));
    ws.deliver(eventsFrame('run:1', 40, 41, 42));
    expect(snapshots.map(({ epoch, seq, state }) => ({ epoch, seq, state }))).toEqual([
      { epoch: 'e1', seq: 40, state: { n: 40 } },
    ]);
    expect(got).toEqual([41, 42]);
    expect(sub.position()).toEqual({ epoch: 'e1', seq: 42 });
    client.close();
  });

  it('resumes after a reconnect from its position; when the hub cannot, a new snapshot comes instead of a gap', async () => {
    const { client } = await connected();
    const snapshots: number[] = [];
    const gaps: GapInfo[] = [];
    const got: number[] = [];
    client.on('gap', (g) => gaps.push(g));
    client.subscribe('run:1', {
      snapshot: true,
      onSnapshot: (s) => snapshots.push(s.seq),
      onGap: (g) => gaps.push(g),
      onEvent: (e) => got.push(e.seq),
    });
    let ws = FakeWebSocket.last();
    ws.answerSubscribes('e1', 3);
    ws.deliver(snapshot(3));
    ws.deliver(eventsFrame('run:1', 4));

    ws.drop(1006);
    await vi.runOnlyPendingTimersAsync();
    await settle();
    ws = FakeWebSocket.last();
    ws.accept();
    const again = ws.sentOf('subscribe')[0];
    expect(again).toMatchObject({ since: { epoch: 'e1', seq: 4 }, snapshot: true });
    ws.answerSubscribes('e2', 900, false); // trimmed away, or another epoch
    ws.deliver(snapshot(900, 'e2'));
    ws.deliver(eventsFrame('run:1', 901));
    expect(snapshots).toEqual([3, 900]);
    expect(got).toEqual([4, 901]);
    expect(gaps).toEqual([]);
    expect(client.stats().gaps).toBe(0);
    client.close();
  });

  it('raises the gap to a stateless subscriber of the same channel, and sends no snapshot to it', async () => {
    const { client } = await connected();
    const stateless: { gaps: GapInfo[]; snapshots: number; events: number[] } = {
      gaps: [],
      snapshots: 0,
      events: [],
    };
    const stateful: number[] = [];
    client.subscribe('run:1', {
      since: { epoch: 'e1', seq: 2 },
      onGap: (g) => stateless.gaps.push(g),
      onSnapshot: () => stateless.snapshots++,
      onEvent: (e) => stateless.events.push(e.seq),
    });
    client.subscribe('run:1', { snapshot: true, onSnapshot: (s) => stateful.push(s.seq) });
    const ws = FakeWebSocket.last();
    // The first subscribe went out before the stateful subscriber joined; a reconnect would ask for state.
    ws.answerSubscribes('e1', 50, false);
    ws.deliver(snapshot(50));
    ws.deliver(eventsFrame('run:1', 51));
    expect(stateless.gaps).toHaveLength(1);
    expect(stateless.snapshots).toBe(0);
    expect(stateless.events).toEqual([51]);
    expect(stateful).toEqual([50]);
    client.close();
  });

  it('drops a snapshot for a channel that is not subscribed on this connection', async () => {
    const { client } = await connected();
    const snapshots: number[] = [];
    client.subscribe('run:1', { snapshot: true, onSnapshot: (s) => snapshots.push(s.seq) });
    FakeWebSocket.last().deliver(snapshot(5)); // before `subscribed`
    expect(snapshots).toEqual([]);
    client.close();
  });
});
