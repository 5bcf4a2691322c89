import {
  createFaultProxy,
  type FaultProxy,
  startTestHub,
  startUpgradeBlockingProxy,
  type TestHub,
  type UpgradeBlockingProxy,
  waitFor,
} from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import type { ClientEventMap, ClientOptions, HeraldClient } from '../../src/types.js';
import { collect, FAST, range, sleep, stream } from './helpers.js';

// Acceptance (issue 12): with the WebSocket upgrade blocked by a proxy, a client allowed
// ['websocket', 'sse', 'polling'] streams over SSE and, through cuts and a hub restart on the same SQLite
// data, delivers exactly 1..N in order. Client -> upgrade-blocking proxy -> fault proxy -> hub.
let hub: TestHub | undefined;
let faults: FaultProxy | undefined;
let blocker: UpgradeBlockingProxy | undefined;
let client: HeraldClient | undefined;
afterEach(async () => {
  client?.close();
  await blocker?.close();
  await faults?.close();
  await hub?.close();
  client = hub = faults = blocker = undefined;
});

async function blockedPath(options: Partial<ClientOptions>) {
  hub = await startTestHub({ sqlite: true, heartbeatMs: 300 });
  faults = await createFaultProxy({ targetPort: hub.port });
  blocker = await startUpgradeBlockingProxy({ targetPort: faults.port });
  client = createClient({
    url: blocker.url,
    ...FAST,
    transports: ['websocket', 'sse', 'polling'],
    ...options,
  });
  return { hub, faults, blocker, client };
}

describe('SSE fallback behind a proxy that refuses WebSocket upgrades', () => {
  it('ends on SSE and delivers exactly 1..N in order through cuts and a hub restart', async () => {
    // Background upgrade tries every 300 ms: each is refused by the proxy and must change nothing.
    const t = await blockedPath({ upgradeIntervalMs: 300 });
    const connected: ClientEventMap['connected'][] = [];
    t.client.on('connected', (c) => connected.push(c));
    const got = collect(t.client, 'run:chaos');
    await waitFor(() => t.client.getStatus().transport === 'sse' && got.sub.position() !== null, {
      timeoutMs: 15_000,
    });
    // The client gave up on the WebSocket after `fallbackAfter` (3) refused upgrades, never polled.
    expect(t.blocker.refusedUpgrades()).toBeGreaterThanOrEqual(3);
    expect(connected[0]).toEqual({ transport: 'sse' });

    const N = 1500;
    const pub = stream(t.hub, 'run:chaos', N, 2);
    await waitFor(() => got.events.length >= 200, { timeoutMs: 15_000 });
    t.faults.cutAll();
    await waitFor(() => got.events.length >= 500, { timeoutMs: 15_000 });
    await t.hub.restart(); // same port, same SQLite data: history survives, the streams end
    await waitFor(() => got.events.length >= 900, { timeoutMs: 15_000 });
    t.faults.cutAll();
    await sleep(50);
    t.faults.cutAll();
    await pub.done;
    await waitFor(() => expect(got.events.length).toBe(N), { timeoutMs: 30_000 });

    expect(got.seqs()).toEqual(range(N));
    expect(got.data()).toEqual(range(N).map((n) => ({ n })));
    expect(got.gaps).toEqual([]);
    expect(t.client.getStatus().transport).toBe('sse');
    expect(connected.every((c) => c.transport === 'sse')).toBe(true);
    expect(t.client.stats().reconnects).toBeGreaterThanOrEqual(3);
    // The upgrade kept trying behind SSE, and every try was refused.
    expect(t.blocker.refusedUpgrades()).toBeGreaterThan(3);
  });

  it('upgrades back to the WebSocket once the proxy lets upgrades through, with nothing lost or repeated', async () => {
    const t = await blockedPath({ upgradeIntervalMs: 200 });
    const connected: ClientEventMap['connected'][] = [];
    t.client.on('connected', (c) => connected.push(c));
    const got = collect(t.client, 'run:back');
    await waitFor(() => t.client.getStatus().transport === 'sse' && got.sub.position() !== null, {
      timeoutMs: 15_000,
    });
    const N = 600;
    const pub = stream(t.hub, 'run:back', N, 3);
    await waitFor(() => got.events.length >= 150, { timeoutMs: 15_000 });
    t.blocker.blockUpgrades(false);
    await waitFor(() => t.client.getStatus().transport === 'websocket', { timeoutMs: 15_000 });
    await pub.done;
    await waitFor(() => expect(got.events.length).toBe(N), { timeoutMs: 20_000 });
    expect(got.seqs()).toEqual(range(N));
    expect(got.gaps).toEqual([]);
    expect(connected).toEqual([{ transport: 'sse' }, { transport: 'websocket' }]);
    // The SSE stream was closed when the socket took over.
    await waitFor(() => t.hub.stats().sseStreams === 0);
  });

  it('falls back to polling when SSE is not allowed', async () => {
    const t = await blockedPath({ transports: ['websocket', 'polling'], pollIntervalMs: 50 });
    const got = collect(t.client, 'run:poll-only');
    await waitFor(() => t.client.getStatus().transport === 'polling' && got.sub.position() !== null, {
      timeoutMs: 15_000,
    });
    await stream(t.hub, 'run:poll-only', 50, 0).done;
    await waitFor(() => expect(got.seqs()).toEqual(range(50)), { timeoutMs: 10_000 });
    expect(t.hub.stats().sseStreams).toBe(0);
  });
});
