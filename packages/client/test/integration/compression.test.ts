import type { Socket } from 'node:net';
import type { Envelope } from '@herald/protocol';
import { range, startTestHub, type TestHub, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createClient } from '../../src/index.js';
import type { HeraldClient, WebSocketConstructorLike } from '../../src/types.js';
import { FAST } from './helpers.js';

const hubs: TestHub[] = [];
const clients: HeraldClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const h of hubs.splice(0)) await h.close();
});

/** `ws` as the client's WebSocket, keeping each socket to look at what it negotiated and read. */
function spyingWebSocket(deflate: boolean): { WebSocket: WebSocketConstructorLike; sockets: WebSocket[] } {
  const sockets: WebSocket[] = [];
  class Spy extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      // The opt-out the client's WebSocket option documents: `ws` offers permessage-deflate unless told not to.
      super(url, protocols, deflate ? {} : { perMessageDeflate: false });
      sockets.push(this);
    }
  }
  return { WebSocket: Spy, sockets };
}

/** 200 stored events, a client that subscribes from the start, then 100 live ones; resolves with its seqs. */
async function deliver(hub: TestHub, WS: WebSocketConstructorLike): Promise<number[]> {
  const event = (n: number) => ({
    type: 'node.end',
    id: `e${n}`,
    data: { run_id: 'run:z', node: 'LYRICS', phase: 'end', duration_ms: 1000 + n, scores: { hook: 0.9 } },
  });
  for (let from = 1; from <= 200; from += 100) await hub.publish('run:z', range(from, from + 99).map(event));
  const c = createClient({ ...FAST, url: hub.url, WebSocket: WS });
  clients.push(c);
  const seqs: number[] = [];
  c.subscribe('run:z', { since: { seq: 0 }, onEvent: (e: Envelope) => seqs.push(e.seq) });
  await waitFor(() => seqs.length === 200);
  for (let n = 201; n <= 300; n++) await hub.publish('run:z', [event(n)]);
  await waitFor(() => seqs.length >= 300);
  return seqs;
}

const bytesRead = (ws: WebSocket): number => (ws as unknown as { _socket: Socket })._socket.bytesRead;

describe('permessage-deflate between the client and the hub', () => {
  it('a compressing hub and a client whose WebSocket offers it: negotiated, 1..N, fewer bytes', async () => {
    const zipped = await startTestHub({ compression: true });
    const plain = await startTestHub();
    hubs.push(zipped, plain);
    const z = spyingWebSocket(true);
    const p = spyingWebSocket(true);
    expect(await deliver(zipped, z.WebSocket)).toEqual(range(1, 300));
    expect(await deliver(plain, p.WebSocket)).toEqual(range(1, 300));
    const [zs] = z.sockets as [WebSocket];
    const [ps] = p.sockets as [WebSocket];
    expect(zs.extensions).toMatch(/^permessage-deflate/);
    expect(ps.extensions).toBe(''); // a hub without compression answers the offer without the extension
    expect(bytesRead(zs)).toBeLessThan(bytesRead(ps) / 3);
  });

  it('a client whose WebSocket does not offer it gets plain frames from a compressing hub', async () => {
    const hub = await startTestHub({ compression: true });
    hubs.push(hub);
    const off = spyingWebSocket(false);
    expect(await deliver(hub, off.WebSocket)).toEqual(range(1, 300));
    expect(off.sockets[0]?.extensions).toBe('');
  });
});
