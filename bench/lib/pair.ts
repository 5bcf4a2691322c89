import type { SocketIoClientKind } from '../clients/conns.js';
import type { ServerConfig, SystemName } from '../servers/types.js';
import { type Child, spawnChild } from './rpc.js';

/** A server process and a load-client process for one system, wired together. */
export interface Pair {
  readonly system: SystemName;
  readonly server: Child;
  readonly client: Child;
  readonly port: number;
  /** Opens `clients` connections (see clients/main.ts `connect`); returns how many became ready. */
  connect(options: ConnectOptions): Promise<{ ready: number; ms: number }>;
  stop(): Promise<void>;
}

/** Load-client connection options. */
export interface ConnectOptions {
  readonly clients: number;
  readonly channelPrefix: string;
  /** @default 1 */
  readonly channelCount?: number;
  /** @default false */
  readonly reconnect?: boolean;
  /** @default 0 */
  readonly trackEvents?: number;
  /** @default 'raw' */
  readonly sioClient?: SocketIoClientKind;
  /** @default 120000 */
  readonly timeoutMs?: number;
}

/** The server process gets --expose-gc so that memory readings count live state only. */
const SERVER_EXEC_ARGV = ['--expose-gc'];

/** Forks both processes, starts the server and forwards the client's progress to the publisher. */
export async function startPair(config: ServerConfig): Promise<Pair> {
  const server = spawnChild('servers/main.ts', [], SERVER_EXEC_ARGV);
  const client = spawnChild('clients/main.ts');
  // Delivery progress flows client → parent → server, where it bounds the publisher's window.
  client.onEvent((event) => {
    if (event.event === 'progress') server.notify('credit', event.data);
  });
  try {
    const { port } = await server.call<{ port: number }>('start', config, 30_000);
    return {
      system: config.system,
      server,
      client,
      port,
      connect: (o) =>
        client.call(
          'connect',
          {
            system: config.system,
            port,
            clients: o.clients,
            channelPrefix: o.channelPrefix,
            channelCount: o.channelCount ?? 1,
            reconnect: o.reconnect ?? false,
            trackEvents: o.trackEvents ?? 0,
            sioClient: o.sioClient ?? 'raw',
          },
          o.timeoutMs ?? 120_000,
        ),
      async stop() {
        await client.call('closeAll', undefined, 10_000).catch(() => {});
        await server.call('close', undefined, 15_000).catch(() => {});
        await Promise.all([client.stop(), server.stop()]);
      },
    };
  } catch (error) {
    await Promise.all([client.stop(), server.stop()]);
    throw error;
  }
}

/** Runs `body` with a fresh pair and always stops it. */
export async function withPair<T>(config: ServerConfig, body: (pair: Pair) => Promise<T>): Promise<T> {
  const pair = await startPair(config);
  try {
    return await body(pair);
  } finally {
    await pair.stop();
  }
}
