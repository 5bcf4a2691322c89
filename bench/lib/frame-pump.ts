import { createServer, type RequestListener, type Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { EVENT_TYPE, workflowEvent } from './payload.js';

/** A fake hub that answers the herald.v1 handshake and then sends `events` frames as fast as they are read. */
export interface FramePump {
  readonly port: number;
  readonly wsUrl: string;
  /** Events sent so far. */
  sent(): number;
  close(): Promise<void>;
}

/** Bytes allowed to wait in the socket before the pump yields: enough to never starve the client. */
const HIGH_WATER = 1 << 20;
/**
 * Frames per turn of the event loop. Needed besides HIGH_WATER: when the kernel takes every write at once
 * (a fast reader), bufferedAmount stays 0 and the loop would never yield.
 */
const FRAMES_PER_TURN = 256;

/**
 * Starts the pump on 127.0.0.1 (port 0). Each subscribed socket receives frames of `eventsPerFrame`
 * envelopes with increasing seqs, so the client's dedupe and position tracking do their real work.
 * `onRequest` serves plain HTTP on the same port (the browser page).
 */
export async function startFramePump(
  eventsPerFrame: number,
  onRequest?: RequestListener,
): Promise<FramePump> {
  const http: Server = createServer(onRequest);
  const wss = new WebSocketServer({
    server: http,
    path: '/v1/ws',
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('herald.v1') ? 'herald.v1' : false),
  });
  const data = JSON.stringify(workflowEvent('run:cost', 0));
  const ts = new Date().toISOString();
  let sent = 0;
  let stopped = false;

  const pump = (socket: WebSocket, channel: string): void => {
    let seq = 0;
    const step = (): void => {
      if (stopped || socket.readyState !== socket.OPEN) return;
      for (let f = 0; f < FRAMES_PER_TURN && socket.bufferedAmount < HIGH_WATER; f++) {
        const parts: string[] = [];
        for (let i = 0; i < eventsPerFrame; i++) {
          seq++;
          parts.push(
            `{"channel":${JSON.stringify(channel)},"seq":${seq},"id":"evt_${seq}","ts":"${ts}","type":"${EVENT_TYPE}","data":${data}}`,
          );
        }
        socket.send(`{"type":"events","events":[${parts.join(',')}]}`);
        sent += eventsPerFrame;
      }
      setImmediate(step);
    };
    step();
  };

  wss.on('connection', (socket) => {
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as {
        type: string;
        rid?: string;
        channel?: string;
        ts?: number;
      };
      if (message.type === 'hello') {
        socket.send(
          JSON.stringify({
            type: 'welcome',
            connectionId: 'bench',
            heartbeatMs: 60_000,
            maxFrameBytes: 65_536,
            tokenExpiresAt: null,
          }),
        );
      } else if (message.type === 'subscribe' && message.channel) {
        const channel = message.channel;
        socket.send(
          JSON.stringify({
            type: 'subscribed',
            rid: message.rid,
            channel,
            epoch: 'bench',
            lastSeq: 0,
            recovered: true,
          }),
        );
        pump(socket, channel);
      } else if (message.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong', ts: message.ts }));
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    wsUrl: `ws://127.0.0.1:${port}/v1/ws`,
    sent: () => sent,
    async close() {
      stopped = true;
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
