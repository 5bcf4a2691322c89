import { createServer, type Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { EVENT_TYPE, type WorkflowEvent } from '../lib/payload.js';
import { httpPublishHandler } from './http-publish-handler.js';
import type { BenchServer } from './types.js';

const READY = '{"type":"ready"}';

/** The net.Socket under a `ws` WebSocket (not in its public types). */
function rawSocket(socket: WebSocket): { cork(): void; uncork(): void } | undefined {
  return (socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
}

/**
 * Raw `ws` broadcast, the practical ceiling: a channel is a Set of sockets, and an event is encoded once
 * and sent to each socket in a loop. No ids, no history, no resume. With `cork`, every socket written in
 * an event-loop turn stays corked until the turn ends, so its frames leave in one write. With
 * `httpPublish`, the same `node:http` server takes `POST /v1/channels/<channel>/events` and sends each
 * event to the channel's sockets (the per-run scenario's baseline).
 */
export async function startWsServer(port = 0, cork = false, httpPublish = false): Promise<BenchServer> {
  const channels = new Map<string, Set<WebSocket>>();
  const corked = new Set<WebSocket>();
  const uncorkAll = (): void => {
    for (const socket of corked) rawSocket(socket)?.uncork();
    corked.clear();
  };
  let http: Server;
  let wss: WebSocketServer;

  const send = (channel: string, type: string, data: unknown): void => {
    const set = channels.get(channel);
    if (!set) return;
    const frame = JSON.stringify({ channel, type, data });
    if (cork) {
      if (corked.size === 0) setImmediate(uncorkAll);
      for (const socket of set) {
        if (!corked.has(socket)) {
          rawSocket(socket)?.cork();
          corked.add(socket);
        }
      }
    }
    for (const socket of set) socket.send(frame);
  };

  const listen = async (onPort: number): Promise<number> => {
    http = httpPublish
      ? createServer(
          httpPublishHandler((channel, events) => {
            for (const e of events) send(channel, e.type, e.data);
          }),
        )
      : createServer();
    wss = new WebSocketServer({ server: http, perMessageDeflate: false });
    wss.on('connection', (socket, request) => {
      const channel = new URL(request.url ?? '/', 'http://x').searchParams.get('channel') ?? 'default';
      const set = channels.get(channel) ?? new Set<WebSocket>();
      channels.set(channel, set);
      set.add(socket);
      socket.on('close', () => {
        set.delete(socket);
        if (set.size === 0) channels.delete(channel);
      });
      socket.send(READY);
    });
    await new Promise<void>((resolve) => http.listen(onPort, '127.0.0.1', resolve));
    const address = http.address();
    return typeof address === 'object' && address ? address.port : onPort;
  };

  const stop = async (): Promise<void> => {
    for (const client of wss.clients) client.close(1012, 'restart');
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };

  const bound = await listen(port);
  return {
    port: bound,
    publish(channel: string, event: WorkflowEvent) {
      send(channel, EVENT_TYPE, event);
      return undefined;
    },
    connectionCount: () => wss.clients.size,
    async restart() {
      await stop();
      await listen(bound);
    },
    close: stop,
  };
}
