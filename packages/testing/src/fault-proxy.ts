import { createServer, type Socket } from 'node:net';
import { listenLocal } from './ports.js';
import type { LaneCounters, LaneFaults } from './proxy-lane.js';
import { ProxyPair } from './proxy-pair.js';

/** Options for {@link createFaultProxy}. */
export interface FaultProxyOptions {
  /** Port of the server to forward to (for example a test hub's `port`). */
  targetPort: number;
  /**
   * Host of the server to forward to.
   * @default '127.0.0.1'
   */
  targetHost?: string;
}

/** Running totals of one proxy, for asserting what a fault did. */
export interface FaultProxyStats {
  /** Connections accepted and forwarded (refused ones excluded). */
  readonly accepted: number;
  /** Connections destroyed on arrival because of {@link FaultProxy.refuseNew}. */
  readonly refused: number;
  /** Bytes written on to either side. */
  readonly bytesForwarded: number;
  /** Bytes swallowed by {@link FaultProxy.blackhole}. */
  readonly bytesDropped: number;
  /** Bytes received and currently held back by {@link FaultProxy.setLatency}. */
  readonly bytesDelayed: number;
}

/**
 * A TCP proxy on `127.0.0.1` that forwards to one target and injects network faults on demand. Point a
 * client at {@link FaultProxy.url} / {@link FaultProxy.wsUrl} instead of the hub to test how it copes with
 * cuts, dead links, latency and refused connections.
 */
export interface FaultProxy {
  /** The port the proxy listens on (chosen by the OS). */
  readonly port: number;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `ws://127.0.0.1:PORT/v1/ws`: the hub's WebSocket path through the proxy. */
  readonly wsUrl: string;
  /** Number of proxied connections currently open. */
  connectionCount(): number;
  /** Destroys every open connection, both sides at once (each peer sees its socket close). */
  cutAll(): void;
  /**
   * While on, every byte is silently dropped both ways and no FIN or reset is passed on: sockets stay
   * open, as on a dead link. New connections are accepted but carry nothing. Turning it off forwards new
   * data again; a connection whose peer closed meanwhile is then destroyed.
   */
  blackhole(on: boolean): void;
  /** Delays every chunk by `ms` each way, keeping order per direction. `0` turns the delay off. */
  setLatency(ms: number): void;
  /** While on, new connections are accepted and destroyed at once; open ones keep working. */
  refuseNew(on: boolean): void;
  /** Totals since the proxy started (a snapshot). */
  stats(): FaultProxyStats;
  /** Stops listening and destroys every connection. Safe to call twice. */
  close(): Promise<void>;
}

/** Mutable fault settings, read by every lane when a chunk arrives. */
interface FaultState extends LaneFaults {
  blackholed: boolean;
  latencyMs: number;
  refusing: boolean;
}

/**
 * Starts a fault-injecting TCP proxy on `127.0.0.1`, on a port chosen by the OS.
 *
 * @example
 * ```ts
 * const hub = await startTestHub();
 * const proxy = await createFaultProxy({ targetPort: hub.port });
 * const client = createClient({ url: proxy.url });
 * proxy.cutAll(); // the client must reconnect and resume
 * ```
 */
export async function createFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = { host: options.targetHost ?? '127.0.0.1', port: options.targetPort };
  const faults: FaultState = { blackholed: false, latencyMs: 0, refusing: false };
  const pairs = new Set<ProxyPair>();
  const counters: LaneCounters = { bytesForwarded: 0, bytesDropped: 0, bytesDelayed: 0 };
  let accepted = 0;
  let refused = 0;

  const server = createServer({ allowHalfOpen: true }, (client: Socket) => {
    client.on('error', () => {}); // a reset from a refused or cut client is expected, not a crash
    if (faults.refusing) {
      refused += 1;
      client.destroy();
      return;
    }
    accepted += 1;
    pairs.add(new ProxyPair(client, target, faults, counters, (pair) => pairs.delete(pair)));
  });
  server.on('error', () => {}); // accept errors (EMFILE and the like) must not crash the test run

  const port = await listenLocal(server);
  let closing: Promise<void> | undefined;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/v1/ws`,
    connectionCount: () => pairs.size,
    cutAll() {
      for (const pair of pairs) pair.destroy();
    },
    blackhole(on) {
      faults.blackholed = on;
      if (!on) for (const pair of pairs) pair.blackholeLifted();
    },
    setLatency(ms) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`latency must be a finite number >= 0, got ${ms}`);
      faults.latencyMs = ms;
    },
    refuseNew(on) {
      faults.refusing = on;
    },
    stats: () => ({ accepted, refused, ...counters }),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const pair of pairs) pair.destroy();
      });
      return closing;
    },
  };
}
