import { connect, createServer, type Server, type Socket } from 'node:net';

/** A real echo server on 127.0.0.1:0 that remembers its server-side sockets. */
export interface EchoServer {
  readonly port: number;
  readonly sockets: Set<Socket>;
  /** Everything the server received, across connections. */
  received(): string;
  close(): Promise<void>;
}

export async function startEchoServer(): Promise<EchoServer> {
  const sockets = new Set<Socket>();
  let received = '';
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (!socket.writableEnded) socket.write(chunk);
    });
    // Echo the half-close too, so FIN ordering can be observed end to end.
    socket.on('end', () => socket.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    sockets,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A real TCP client that records what it receives and whether it was closed. */
export interface TestClient {
  readonly socket: Socket;
  data(): string;
  ended(): boolean;
  closed(): boolean;
  /** Milliseconds since epoch when `data()` first contained `text`, or undefined. */
  arrivedAt(text: string): number | undefined;
}

/** `allowHalfOpen` keeps the client writable after the peer's FIN (to observe half-closes). */
export async function connectClient(port: number, allowHalfOpen = false): Promise<TestClient> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen });
  let data = '';
  let ended = false;
  let closed = false;
  const arrivals: { at: number; length: number }[] = [];
  socket.on('error', () => {});
  socket.on('data', (chunk: Buffer) => {
    data += chunk.toString();
    arrivals.push({ at: Date.now(), length: data.length });
  });
  socket.on('end', () => {
    ended = true;
  });
  socket.on('close', () => {
    closed = true;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    data: () => data,
    ended: () => ended,
    closed: () => closed,
    arrivedAt(text) {
      const index = data.indexOf(text);
      if (index < 0) return undefined;
      return arrivals.find((a) => a.length >= index + text.length)?.at;
    },
  };
}
