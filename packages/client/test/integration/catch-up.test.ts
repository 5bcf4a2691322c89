import type { JsonValue } from '@herald/protocol';
import { startTestHub, type TestHub, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import type { ClientOptions, HeraldClient } from '../../src/types.js';
import { FAST, range, sleep } from './helpers.js';

let hub: TestHub | undefined;
const clients: HeraldClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await hub?.close();
  hub = undefined;
});

/** A client of the test hub; closed after the test. The default 2 s poll interval is kept on purpose. */
function client(options: Partial<ClientOptions>): HeraldClient {
  const made = createClient({ url: hub?.url ?? '', ...FAST, ...options });
  clients.push(made);
  return made;
}

const POLLING: Partial<ClientOptions> = { transports: ['polling'], pollIntervalMs: 2000 };

/** Subscribes from seq 0 and collects the seqs and gaps the app sees. */
function fromStart(c: HeraldClient, channel: string) {
  const events: number[] = [];
  const gaps: unknown[] = [];
  const sub = c.subscribe(channel, {
    since: { seq: 0 },
    onEvent: (e) => events.push(e.seq),
    onGap: (g) => gaps.push(g),
  });
  return { events, gaps, sub };
}

/** Publishes events `from..to` to `channel` straight into the hub, in batches of 100. */
async function fill(channel: string, from: number, to: number): Promise<void> {
  for (let n = from; n <= to; n += 100) {
    const batch = range(Math.min(100, to - n + 1)).map((i) => ({
      type: 'tick',
      data: { n: n + i - 1 } as JsonValue,
      id: `${channel}-${n + i - 1}`,
    }));
    await hub?.publish(channel, batch);
  }
}

describe('catching up from an old position against a real hub', () => {
  it('polling and WebSocket subscribers joining from seq 0 while ~1,000 events/s stream in end with exactly 1..N', async () => {
    hub = await startTestHub();
    const channel = 'run:busy';
    await fill(channel, 1, 3000); // already behind when they join
    const polling = client(POLLING);
    const socket = client({ transports: ['websocket'] });
    const viaPoll = fromStart(polling, channel);
    const viaSocket = fromStart(socket, channel);
    // About 1,000 events/s for 3 s: 50 every 50 ms. The sleep only paces the publisher.
    let last = 3000;
    const stopAt = Date.now() + 3000;
    while (Date.now() < stopAt) {
      await fill(channel, last + 1, last + 50);
      last += 50;
      await sleep(50);
    }
    await waitFor(() => expect(viaSocket.events.length).toBe(last), { timeoutMs: 10_000 });
    await waitFor(() => expect(viaPoll.events.length).toBe(last), { timeoutMs: 10_000 });
    expect(viaPoll.events).toEqual(range(last));
    expect(viaSocket.events).toEqual(range(last));
    expect(viaPoll.gaps).toEqual([]);
    expect(viaSocket.gaps).toEqual([]);
    expect(viaPoll.sub.position()?.seq).toBe(last);
    expect(polling.stats()).toMatchObject({ eventsBehind: 0, gaps: 0, duplicatesDropped: 0 });
    // At least the 3,000 events already stored took pages fetched at once, without the 2 s interval.
    expect(polling.stats().catchUpPolls).toBeGreaterThanOrEqual(2);
    expect(socket.stats()).toMatchObject({ eventsBehind: 0, catchUpPolls: 0, eventsDelivered: last });
  });

  it('two channels polled together both progress: the smaller backlog is done while the larger still pages', async () => {
    hub = await startTestHub();
    await fill('run:big', 1, 8000);
    await fill('run:small', 1, 3000);
    const polling = client(POLLING);
    const big: number[] = [];
    const small: number[] = [];
    let bigWhenSmallDone = -1;
    polling.subscribe('run:big', { since: { seq: 0 }, onEvent: (e) => big.push(e.seq) });
    polling.subscribe('run:small', {
      since: { seq: 0 },
      onEvent: (e) => {
        small.push(e.seq);
        if (e.seq === 3000) bigWhenSmallDone = big.length;
      },
    });
    await waitFor(() => expect(big.length).toBe(8000), { timeoutMs: 15_000 });
    expect(small).toEqual(range(3000));
    expect(big).toEqual(range(8000));
    // Each round fetches one page of every channel that is behind: the small channel finished in the
    // third round, when the big one had had three pages too, not after the big one was done.
    expect(bigWhenSmallDone).toBeGreaterThan(0);
    expect(bigWhenSmallDone).toBeLessThanOrEqual(3000);
    // Both keep being polled once caught up.
    await hub.publish('run:small', [{ type: 'tick', data: null }]);
    await hub.publish('run:big', [{ type: 'tick', data: null }]);
    await waitFor(() => expect([big.length, small.length]).toEqual([8001, 3001]), { timeoutMs: 10_000 });
  });

  it('a polling subscriber whose position history no longer covers gets one gap, then the live events', async () => {
    hub = await startTestHub({ retention: { maxCount: 1000 } });
    await fill('run:trimmed', 1, 3000);
    const polling = client(POLLING);
    const { events, gaps } = fromStart(polling, 'run:trimmed');
    await waitFor(() => expect(gaps).toHaveLength(1));
    expect(gaps[0]).toMatchObject({ channel: 'run:trimmed', lastSeq: 3000 });
    await fill('run:trimmed', 3001, 3002);
    await waitFor(() => expect(events).toEqual([3001, 3002]), { timeoutMs: 10_000 });
    expect(polling.stats()).toMatchObject({ gaps: 1, eventsBehind: 0 });
  });
});
