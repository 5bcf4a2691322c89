import type { Socket } from 'node:net';
import { range, seqs, startTestHub, TestClient, type TestHub, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';

const MAX_BUFFERED = 256 * 1024;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('slow consumers', () => {
  it('cuts a peer that stops reading with 4008, drops its queue, and leaves others whole', async () => {
    const t: TestHub = await startTestHub({ limits: { maxBufferedBytes: MAX_BUFFERED } });
    cleanups.push(() => t.close());
    const hub = t;
    const slow = await TestClient.connect(hub.wsUrl);
    const healthy = await TestClient.connect(hub.wsUrl);
    cleanups.push(
      () => slow.close(),
      () => healthy.close(),
    );
    await slow.subscribe('big');
    await healthy.subscribe('big');
    const socket = (slow.ws as unknown as { _socket: Socket })._socket;
    socket.pause();

    const payload = 'x'.repeat(8 * 1024);
    let sent = 0;
    let maxHeld = 0;
    // Publish until the hub gives up on the paused peer (kernel buffers absorb several MB first).
    while (hub.stats().slowConsumerDisconnects === 0 && sent < 6000) {
      await hub.publish('big', [{ type: 'blob', data: { n: sent, payload } }]);
      sent++;
      maxHeld = Math.max(maxHeld, hub.stats().queuedBytes);
      // Let the hub flush between publishes, as separate HTTP requests would.
      if (sent % 2 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(hub.stats().slowConsumerDisconnects).toBe(1);
    // The hub never held more than the limit (plus the batch that tipped it over) for any peer.
    expect(maxHeld).toBeLessThanOrEqual(2 * MAX_BUFFERED + payload.length * 2);
    expect(hub.connectionCount()).toBe(1);

    // Once the healthy peer has everything, nothing is queued in the hub any more.
    await waitFor(() => healthy.events('big').length === sent, { timeoutMs: 20_000 });
    expect(seqs(healthy.events('big'))).toEqual(range(1, sent));
    await waitFor(() => hub.stats().queuedBytes === 0);
    expect(hub.stats().subscriptions).toBe(1);

    // The slow peer, reading again, finds the 4008 close after what it had buffered.
    socket.resume();
    expect((await slow.closed(15_000)).code).toBe(4008);
    const got = seqs(slow.events('big'));
    expect(got).toEqual(range(1, got.length));
    expect(got.length).toBeLessThan(sent);
    expect(healthy.closeInfo).toBeNull();
  });
});
