import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { PublishInput } from '@herald/protocol';
import type { Gauges } from './metrics.js';
import type { AppendResult } from './store/types.js';

/** A snapshot of the hub's accounting. */
export interface HubStats extends Gauges {
  readonly eventsPublished: number;
  readonly eventsDelivered: number;
  readonly slowConsumerDisconnects: number;
  readonly pingTimeouts: number;
  readonly errors: Readonly<Record<string, number>>;
}

/** What every hub offers, mounted ({@link MountableHub}) or listening on its own port (`Hub`). */
export interface HubControl {
  /** True when the hub runs without auth (loopback only). */
  readonly openDevHub: boolean;
  /** Publishes through the same path as HTTP publish (validation, store, fan-out), without auth or rate limit. */
  publish(channel: string, events: readonly PublishInput[]): Promise<AppendResult>;
  /** Open WebSocket connections. */
  connectionCount(): number;
  /** Live gauges and counters (the numbers behind /metrics). */
  stats(): HubStats;
  /** Prometheus text, as served at /metrics. */
  metricsText(): string;
  /**
   * Sends `drain` to every client and closes them with 1012, ends SSE streams, then waits `drainGraceMs`
   * (none by default); from the start `/healthz` answers 503, upgrades 503 and publishes
   * `503 ERR_SHUTTING_DOWN`.
   */
  drain(reason?: string): Promise<void>;
  /** Drains (ending any drain grace now) and releases the hub and the store and broker it created. Idempotent. */
  close(): Promise<void>;
}

/**
 * A hub that serves through a `node:http` server it does not own (its own `http.Server`, Express, Fastify):
 * hand it the requests and upgrades meant for Herald. Made by {@link createHub}. Its `drain` and `close`
 * leave the server it is mounted in open: close that yourself, after the hub.
 */
export interface MountableHub extends HubControl {
  /**
   * Serves one HTTP request (publish, history, SSE, `/healthz`, `/metrics`, static files): a `node:http`
   * request listener. Unknown paths are answered `404 ERR_NOT_FOUND`, so route only Herald's paths here
   * when the server has routes of its own. Mount it before body parsers: it reads the body itself.
   */
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  /**
   * Handles an HTTP upgrade (the server's `'upgrade'` event): `/v1/ws` becomes a WebSocket connection,
   * other paths are answered `404`, and every upgrade `503` while draining.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}
