import { SUBPROTOCOL } from '@herald/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createFaultProxy, type FaultProxy, startTestHub, type TestHub, waitFor } from '../src/index.js';

/** Opens a raw protocol connection through `url` and waits for the hub's welcome. */
async function connectAndWelcome(
  url: string,
): Promise<{ ws: WebSocket; closeCode: () => number | undefined }> {
  const ws = new WebSocket(url, SUBPROTOCOL);
  let closeCode: number | undefined;
  let welcomed = false;
  ws.on('error', () => {});
  ws.on('close', (code: number) => {
    closeCode = code;
  });
  ws.on('message', (data: Buffer) => {
    if ((JSON.parse(data.toString()) as { type: string }).type === 'welcome') welcomed = true;
  });
  ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', client: '@herald/testing-test' })));
  await waitFor(() => welcomed);
  return { ws, closeCode: () => closeCode };
}

describe('a fault proxy in front of a test hub', () => {
  let hub: TestHub;
  let proxy: FaultProxy;
  const sockets: WebSocket[] = [];

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await proxy.close();
    await hub.close();
  });

  it('carries the WebSocket protocol, and cutAll is seen by both the client and the hub', async () => {
    hub = await startTestHub();
    proxy = await createFaultProxy({ targetPort: hub.port });
    const conn = await connectAndWelcome(proxy.wsUrl);
    sockets.push(conn.ws);
    await waitFor(() => hub.connectionCount() === 1);

    proxy.cutAll();

    await waitFor(() => conn.closeCode() === 1006);
    await waitFor(() => hub.connectionCount() === 0);
  });

  it('lets clients reconnect through the same proxy after hub.restart()', async () => {
    hub = await startTestHub({ sqlite: true });
    proxy = await createFaultProxy({ targetPort: hub.port });
    const first = await connectAndWelcome(proxy.wsUrl);
    sockets.push(first.ws);

    await hub.restart();

    // The hub drains its clients with 1012 (service restart) before closing.
    await waitFor(() => first.closeCode() !== undefined);
    expect(first.closeCode()).toBe(1012);
    const second = await connectAndWelcome(proxy.wsUrl);
    sockets.push(second.ws);
    await waitFor(() => hub.connectionCount() === 1);
  });
});
