import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerOptions, Server as SocketIoServer } from 'socket.io';
import { type WebSocket, WebSocketServer } from 'ws';

// Real backends of each kind a source talks to, on port 0, each able to cut its clients and to restart on
// the same port. None of them is a Herald hub: they speak their own shapes, as the seeds' backends do.

const listen = (server: Server, port = 0) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** A run event as seed 000's FastAPI backend sends it on `/events`: no id, no seq. */
export interface RunEvent {
  readonly ts: string;
  readonly run_id: string;
  readonly node: string;
  readonly phase: 'start' | 'end' | 'fail';
  readonly n: number;
}

/**
 * A plain JSON WebSocket server at `/events`. Clients may send `{action: 'subscribe', run_id, after}`;
 * with `replays` it then sends the run's events with `n` above `after` (a backend that can resume).
 */
export async function startJsonWsServer({ replays = false } = {}) {
  const http = createServer();
  let wss = new WebSocketServer({ server: http, path: '/events' });
  const history: RunEvent[] = [];
  const received: unknown[] = [];
  const urls: string[] = [];
  const attach = () =>
    wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
      urls.push(req.url ?? '');
      ws.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as { action: string; run_id: string; after?: number };
        received.push(message);
        if (replays && message.action === 'subscribe')
          for (const e of history)
            if (e.run_id === message.run_id && e.n > (message.after ?? 0)) ws.send(JSON.stringify(e));
      });
    });
  attach();
  let port = await listen(http);
  const clients = () => [...wss.clients].filter((ws) => ws.readyState === ws.OPEN);
  return {
    get url() {
      return `ws://127.0.0.1:${port}/events`;
    },
    received,
    urls,
    clients,
    /** Stores and sends one event to every connected client (`live: false` stores it only). */
    emit(event: Omit<RunEvent, 'ts'>, { live = true, times = 1 } = {}) {
      const full = { ts: new Date(1_700_000_000_000 + event.n).toISOString(), ...event };
      history.push(full);
      if (live) for (const ws of clients()) for (let i = 0; i < times; i++) ws.send(JSON.stringify(full));
      return full;
    },
    /** Sends text as it is (a non-event frame, a repeat). */
    raw(text: string) {
      for (const ws of clients()) ws.send(text);
    },
    /** Drops every connection without a close handshake, as a dying network does. */
    cut() {
      for (const ws of wss.clients) ws.terminate();
    },
    async stop() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await closeServer(http);
    },
    /** Starts again on the same port (history kept, as a restarted backend with a database). */
    async restart() {
      wss = new WebSocketServer({ server: http, path: '/events' });
      attach();
      port = await listen(http, port);
    },
  };
}

/** One SSE event the server holds: `id:` (numeric, per stream), `event:` and JSON `data:`. */
interface StoredSse {
  readonly id: number;
  readonly event?: string;
  readonly data: unknown;
}

/**
 * A node:http SSE server at `/stream`. With `honoursLastEventId` it replays the events after the
 * `Last-Event-ID` a reconnecting client sends; without, it sends only what comes next.
 */
export async function startSseServer({ honoursLastEventId = true, status = 200 } = {}) {
  const events: StoredSse[] = [];
  const streams = new Set<ServerResponse>();
  const requests: IncomingMessage['headers'][] = [];
  let answerStatus = status;
  const write = (res: ServerResponse, e: StoredSse) =>
    res.write(`id: ${e.id}\n${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
  const http = createServer((req, res) => {
    if (!req.url?.startsWith('/stream')) return res.writeHead(404).end();
    requests.push(req.headers);
    if (answerStatus !== 200) return res.writeHead(answerStatus).end();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': hello\n\n'); // a comment first, as many servers do, so the client knows it is up
    const last = Number(req.headers['last-event-id']);
    if (honoursLastEventId && Number.isInteger(last)) for (const e of events) if (e.id > last) write(res, e);
    streams.add(res);
    res.on('close', () => streams.delete(res));
  });
  let port = await listen(http);
  return {
    get url() {
      return `http://127.0.0.1:${port}/stream`;
    },
    requests,
    streams: () => streams.size,
    setStatus(next: number) {
      answerStatus = next;
    },
    /** Stores one event and sends it to every open stream (`live: false` stores it only). */
    push(
      data: unknown,
      { event, live = true, times = 1 }: { event?: string; live?: boolean; times?: number } = {},
    ) {
      const e: StoredSse = { id: events.length + 1, data, ...(event && { event }) };
      events.push(e);
      if (live) for (const res of streams) for (let i = 0; i < times; i++) write(res, e);
    },
    cut() {
      for (const res of streams) res.socket?.destroy();
    },
    stop: () => closeServer(http),
    async restart() {
      port = await listen(http, port);
    },
  };
}

/**
 * A socket.io server (seed 003's delicious-lotus): clients `join` a generation's room and get its
 * `progress` events. With `recovery`, socket.io's connection state recovery is on.
 */
export async function startSocketIoServer({ recovery = false } = {}) {
  let http = createServer();
  const options: Partial<ServerOptions> = recovery
    ? { connectionStateRecovery: { maxDisconnectionDuration: 60_000, skipMiddlewares: true } }
    : {};
  let io = new SocketIoServer(http, options);
  const auths: unknown[] = [];
  const attach = () =>
    io.on('connection', (socket) => {
      auths.push(socket.handshake.auth);
      socket.on('join', (room: string) => socket.join(room));
      socket.on('leave', (room: string) => socket.leave(room));
    });
  attach();
  let port = await listen(http);
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    auths,
    sockets: () => io.of('/').sockets.size,
    /** Emits to a room (socket.io keeps it for recovery when that is on). */
    emit(room: string, event: string, data: unknown) {
      io.to(room).emit(event, data);
    },
    /** Closes every client's transport: a network loss, which socket.io can recover from. */
    cut() {
      for (const socket of io.of('/').sockets.values()) socket.conn.close();
    },
    async stop() {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
    /** A new server on the same port: every session socket.io kept is gone. */
    async restart() {
      http = createServer(); // a fresh one: engine.io leaves its upgrade listener on the old
      io = new SocketIoServer(http, options);
      attach();
      port = await listen(http, port);
    },
  };
}
