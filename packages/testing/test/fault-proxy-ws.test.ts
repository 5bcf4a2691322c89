import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createFaultProxy, type FaultProxy, waitFor } from '../src/index.js';

/** Observation window for "nothing happens" checks; only ever used to look for absence, never presence. */
const QUIET_MS = 200;
const quiet = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));

/** A ws client that records messages, close and error events. */
interface WsProbe {
  readonly ws: WebSocket;
  readonly messages: string[];
  closeCode(): number | undefined;
  sawError(): boolean;
}

function openWs(url: string): WsProbe {
  const ws = new WebSocket(url);
  const messages: string[] = [];
  let closeCode: number | undefined;
  let sawError = false;
  ws.on('message', (data: Buffer) => messages.push(data.toString()));
  ws.on('close', (code: number) => {
    closeCode = code;
  });
  ws.on('error', () => {
    sawError = true;
  });
  return { ws, messages, closeCode: () => closeCode, sawError: () => sawError };
}

describe('createFaultProxy in front of a WebSocket server', () => {
  let wss: WebSocketServer;
  let proxy: FaultProxy;
  const probes: WsProbe[] = [];
  const open = () => {
    const probe = openWs(proxy.wsUrl);
    probes.push(probe);
    return probe;
  };
  const opened = async (probe: WsProbe) => {
    await waitFor(() => probe.ws.readyState === WebSocket.OPEN);
    return probe;
  };

  beforeEach(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (socket) => {
      socket.on('error', () => {});
      socket.on('message', (data: Buffer) => socket.send(`echo:${data.toString()}`));
    });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const address = wss.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    proxy = await createFaultProxy({ targetPort: address.port });
  });

  afterEach(async () => {
    for (const probe of probes.splice(0)) probe.ws.terminate();
    await proxy.close();
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  it('carries the upgrade and messages both ways', async () => {
    const probe = await opened(open());
    probe.ws.send('hi');
    await waitFor(() => expect(probe.messages).toEqual(['echo:hi']));
    expect(proxy.connectionCount()).toBe(1);
  });

  it('cutAll closes the WebSocket abnormally', async () => {
    const probe = await opened(open());
    proxy.cutAll();
    await waitFor(() => probe.closeCode() === 1006);
    await waitFor(() => wss.clients.size === 0);
  });

  it('blackhole keeps the WebSocket open but silent, then carries new frames', async () => {
    const probe = await opened(open());
    probe.ws.send('one');
    await waitFor(() => probe.messages.length === 1);

    proxy.blackhole(true);
    probe.ws.send('lost'); // a masked client frame: 2 header + 4 mask + 4 payload bytes
    for (const client of wss.clients) client.send('gone'); // a server frame: 2 header + 4 payload bytes
    await waitFor(() => proxy.stats().bytesDropped === 10 + 6);
    await quiet();
    expect(probe.messages).toEqual(['echo:one']);
    expect(probe.closeCode()).toBeUndefined();
    expect(probe.ws.readyState).toBe(WebSocket.OPEN);

    proxy.blackhole(false);
    probe.ws.send('two');
    await waitFor(() => expect(probe.messages).toEqual(['echo:one', 'echo:two']));
  });

  it('setLatency delays a round trip by at least twice the latency', async () => {
    const latencyMs = 120;
    const probe = await opened(open());
    proxy.setLatency(latencyMs);
    const sentAt = Date.now();
    probe.ws.send('ping');
    await waitFor(() => probe.messages.length === 1);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(2 * latencyMs - 10);
  });

  it('refuseNew fails new handshakes while open sockets keep working', async () => {
    const existing = await opened(open());
    proxy.refuseNew(true);
    const refused = open();
    await waitFor(() => refused.closeCode() !== undefined);
    expect(refused.closeCode()).toBe(1006);
    expect(refused.sawError()).toBe(true);

    existing.ws.send('alive');
    await waitFor(() => expect(existing.messages).toEqual(['echo:alive']));
  });
});
