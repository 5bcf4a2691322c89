import type { Socket } from 'node:net';
import { range, seqs, startTestHub, TestClient, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('replay under backpressure', () => {
  it('waits for a peer that stops reading and finishes the replay, in order, once it reads again', async () => {
    const t = await startTestHub({ sqlite: true });
    cleanups.push(() => t.close());
    const hub = t;
    const payload = 'y'.repeat(8 * 1024);
    const count = 1600;
    for (let n = 0; n < count; n += 50) {
      await hub.publish(
        'hist',
        range(n, n + 49).map((i) => ({ type: 'blob', data: { i, payload } })),
      );
    }

    const c = await TestClient.connect(hub.wsUrl);
    cleanups.push(() => c.close());
    const socket = (c.ws as unknown as { _socket: Socket })._socket;
    const reply = c.subscribe('hist', { seq: 0 });
    // Stop reading while the ~13 MB replay is under way: the hub's socket buffer fills and the replay must
    // wait for it to drain rather than queue the whole history in memory.
    socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(c.events('hist').length).toBeLessThan(count);
    socket.resume();

    expect((await reply).type).toBe('subscribed');
    await waitFor(() => c.events('hist').length >= count, { timeoutMs: 20_000 });
    const got = c.events('hist');
    expect(seqs(got)).toEqual(range(1, count));
    expect(got.map((e) => (e.data as { i: number; payload: string }).i)).toEqual(range(0, count - 1));
    expect(got.every((e) => (e.data as { payload: string }).payload === payload)).toBe(true);
    expect(c.closeInfo).toBeNull();
    expect(hub.stats().slowConsumerDisconnects).toBe(0);
  });
});
