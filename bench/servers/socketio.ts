import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { EVENT_TYPE, type WorkflowEvent } from '../lib/payload.js';
import { httpPublishHandler } from './http-publish-handler.js';
import type { BenchServer } from './types.js';

/**
 * socket.io 4 over websocket only. A client names its room in the handshake `auth` and is joined on
 * connection; events go out with `io.to(room).emit`. With `recovery` on, connectionStateRecovery keeps
 * missed packets for two minutes (in this process's memory). With `httpPublish`, the same `node:http` server
 * also takes `POST /v1/channels/<room>/events` and emits each event to the room: how a socket.io app
 * receives events from a Python backend.
 */
export async function startSocketIoServer(
  port = 0,
  recovery = false,
  httpPublish = false,
): Promise<BenchServer> {
  let io: Server;

  const listen = async (onPort: number): Promise<number> => {
    // socket.io serves its own path and passes every other request on to this listener.
    const http = httpPublish
      ? createServer(
          httpPublishHandler((room, events) => {
            for (const e of events) io.to(room).emit(e.type, e.data);
          }),
        )
      : createServer();
    io = new Server(http, {
      transports: ['websocket'],
      serveClient: false,
      ...(recovery
        ? { connectionStateRecovery: { maxDisconnectionDuration: 120_000, skipMiddlewares: true } }
        : {}),
    });
    io.on('connection', (socket) => {
      const room = typeof socket.handshake.auth.room === 'string' ? socket.handshake.auth.room : 'default';
      if (!socket.recovered) socket.join(room);
      socket.emit('ready');
    });
    await new Promise<void>((resolve) => http.listen(onPort, '127.0.0.1', resolve));
    const address = http.address();
    return typeof address === 'object' && address ? address.port : onPort;
  };

  const stop = async (): Promise<void> => {
    const http = io.httpServer as unknown as import('node:http').Server;
    const closed = io.close();
    http.closeAllConnections();
    await closed;
  };

  const bound = await listen(port);
  return {
    port: bound,
    publish(channel: string, event: WorkflowEvent) {
      io.to(channel).emit(EVENT_TYPE, event);
      return undefined;
    },
    connectionCount: () => io.engine.clientsCount,
    async restart() {
      await stop();
      await listen(bound);
    },
    close: stop,
  };
}
