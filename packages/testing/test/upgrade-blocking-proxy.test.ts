import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  publishMany,
  startTestHub,
  startUpgradeBlockingProxy,
  type TestHub,
  type UpgradeBlockingProxy,
  waitFor,
} from '../src/index.js';

/** Opens a WebSocket to `url` with Herald's subprotocol; resolves with the upgrade's outcome. */
function tryUpgrade(url: string): Promise<{ opened: true } | { opened: false; status: number | undefined }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'herald.v1');
    ws.once('open', () => {
      ws.close();
      resolve({ opened: true });
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode });
      ws.terminate();
    });
    ws.once('error', () => resolve({ opened: false, status: undefined }));
  });
}

describe('startUpgradeBlockingProxy against a real hub', () => {
  let hub: TestHub;
  let proxy: UpgradeBlockingProxy;
  beforeEach(async () => {
    hub = await startTestHub();
    proxy = await startUpgradeBlockingProxy({ targetPort: hub.port });
  });
  afterEach(async () => {
    await proxy.close();
    await hub.close();
  });

  it('passes HTTP requests on, status, headers and body', async () => {
    await publishMany(hub.url, 'run:p', 3);
    const res = await fetch(`${proxy.url}/v1/channels/run:p/events?after=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/json/);
    expect(((await res.json()) as { events: { seq: number }[] }).events.map((e) => e.seq)).toEqual([2, 3]);
    const missing = await fetch(`${proxy.url}/no/such/route`);
    expect(missing.status).toBe(404);
    expect(proxy.forwardedRequests()).toBe(2);
  });

  it('streams an SSE answer as it is written, not when it ends', async () => {
    const abort = new AbortController();
    const res = await fetch(`${proxy.url}/v1/channels/run:s/stream`, { signal: abort.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    await publishMany(hub.url, 'run:s', 1);
    let text = '';
    while (!text.includes('id: 1\n')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('"seq":1');
    abort.abort();
    await waitFor(() => hub.stats().sseStreams === 0);
  });

  it('refuses WebSocket upgrades with 403 until told to let them through', async () => {
    expect(await tryUpgrade(proxy.wsUrl)).toEqual({ opened: false, status: 403 });
    expect(proxy.refusedUpgrades()).toBe(1);
    proxy.blockUpgrades(false);
    expect(await tryUpgrade(proxy.wsUrl)).toEqual({ opened: true });
    proxy.blockUpgrades(true);
    expect(await tryUpgrade(proxy.wsUrl)).toEqual({ opened: false, status: 403 });
    expect(proxy.refusedUpgrades()).toBe(2);
  });

  it('a let-through upgrade speaks to the hub, and closing the proxy ends every connection', async () => {
    proxy.blockUpgrades(false);
    const ws = new WebSocket(proxy.wsUrl, 'herald.v1');
    const frames: string[] = [];
    ws.on('message', (data) => frames.push(String(data)));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'hello' }));
    await waitFor(() => frames.some((f) => f.includes('"welcome"')));
    const closed = new Promise((resolve) => ws.once('close', resolve));
    await proxy.close();
    await closed;
    await waitFor(() => hub.stats().connections === 0);
  });
});
