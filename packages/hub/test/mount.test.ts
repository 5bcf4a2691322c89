import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloseCode } from '@herald/protocol';
import { http, TestClient, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHub, HubConfigError, type MountableHub } from '../src/index.js';

const KEY = 'mount-test-key';

/** Reads SSE `data:` lines as they arrive, until aborted or the stream ends. */
async function readSse(url: string, headers: Record<string, string>) {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const seqs: number[] = [];
  let ended = false;
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      const reader = res.body?.getReader();
      for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) {
        buffer += decoder.decode(read.value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
          buffer = buffer.slice(end + 2);
          if (data !== undefined) seqs.push((JSON.parse(data) as { seq: number }).seq);
        }
      }
      ended = true;
    } catch {
      // Aborted.
    }
  })();
  const stop = (): Promise<void> => {
    abort.abort();
    return reading;
  };
  return { res, seqs, ended: () => ended, stop };
}

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** An app's own server with a route of its own; everything else goes to the mounted hub. */
async function mount(hub: MountableHub): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/app/hello') res.end('hello from the app');
    else hub.handleRequest(req, res);
  });
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('createHub mounted in a node:http server', () => {
  it('serves WebSocket, HTTP publish and SSE beside the app, and closes without closing the server', async () => {
    const hub = await createHub({ logger: false, auth: { publisherKeys: [KEY] } });
    cleanups.push(() => hub.close());
    const { base } = await mount(hub);
    const auth = { authorization: `Bearer ${KEY}` };

    const ws = await TestClient.connect(`${base.replace(/^http/, 'ws')}/v1/ws`, { token: KEY });
    cleanups.push(() => ws.close());
    expect(await ws.subscribe('mount:1')).toMatchObject({ type: 'subscribed', lastSeq: 0 });
    const sse = await readSse(`${base}/v1/channels/mount:1/stream`, auth);
    cleanups.push(() => sse.stop());
    expect(sse.res.status).toBe(200);
    expect(sse.res.headers.get('access-control-allow-origin')).toBe('*');
    await waitFor(() => hub.stats().sseStreams === 1);

    const published = await http(`${base}/v1/channels/mount:1/events`, {
      body: [
        { type: 't', data: 1 },
        { type: 't', data: 2 },
      ],
      headers: auth,
    });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ events: [{ seq: 1 }, { seq: 2 }] });
    expect((await http(`${base}/v1/channels/mount:1/events`)).status).toBe(401);
    await waitFor(() => ws.events('mount:1').length === 2 && sse.seqs.length === 2);
    expect(ws.events('mount:1').map((e) => e.seq)).toEqual([1, 2]);
    expect(sse.seqs).toEqual([1, 2]);
    expect(hub.connectionCount()).toBe(1);
    expect((await http(`${base}/app/hello`)).text).toBe('hello from the app');

    await hub.close();
    expect((await ws.closed()).code).toBe(CloseCode.ServiceRestart);
    await waitFor(() => sse.ended());
    expect(hub.stats()).toMatchObject({ connections: 0, sseStreams: 0 });
    // The app's server is the app's: it still answers its own routes.
    expect((await http(`${base}/app/hello`)).text).toBe('hello from the app');
  });

  it('answers 404 to upgrades on other paths and refuses to run open off loopback', async () => {
    const hub = await createHub({ logger: false });
    cleanups.push(() => hub.close());
    expect(hub.openDevHub).toBe(true);
    const { base } = await mount(hub);
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/elsewhere`, ['herald.v1']);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? -1));
      ws.on('open', () => resolve(0));
      ws.on('error', reject);
    });
    expect(status).toBe(404);
    expect((await http(`${base}/healthz`)).body).toEqual({ status: 'ok' });
    await expect(createHub({ host: '0.0.0.0', logger: false })).rejects.toBeInstanceOf(HubConfigError);
  });
});
