import type { Server } from 'node:http';
import { CloseCode, type PublishInput } from '@herald/protocol';
import { createAdaptorServer } from '@hono/node-server';
import { Authenticator } from './auth/authenticator.js';
import { decideOpenDevHub } from './auth/dev-hub.js';
import { ChannelRegistry } from './channels.js';
import { type HubOptions, resolveConfig, type StoreSpec } from './config.js';
import type { HubContext } from './context.js';
import { FlushScheduler } from './flush-scheduler.js';
import { createApp } from './http/app.js';
import type { SseStream } from './http/sse.js';
import { createLogger } from './logger.js';
import { type Gauges, HubMetrics, renderMetrics } from './metrics.js';
import { createPublisher } from './publisher.js';
import { createStore } from './store/create-store.js';
import { createLocalBroker } from './store/local-broker.js';
import { createRedisBroker } from './store/redis-broker.js';
import type { AppendResult, Broker } from './store/types.js';
import { startTicker } from './ticker.js';
import { WsGateway } from './ws/gateway.js';

/** A running hub. */
export interface Hub {
  /** Base URL, such as `http://127.0.0.1:8080` (a wildcard bind is reported as loopback). */
  readonly url: string;
  /** WebSocket URL, such as `ws://127.0.0.1:8080/v1/ws`. */
  readonly wsUrl: string;
  /** The bound port. */
  readonly port: number;
  /** The bind host as configured. */
  readonly host: string;
  /** True when the hub runs without auth (loopback only). */
  readonly openDevHub: boolean;
  /** Publishes through the same path as HTTP publish (validation, store, fan-out). */
  publish(channel: string, events: readonly PublishInput[]): Promise<AppendResult>;
  /** Open WebSocket connections. */
  connectionCount(): number;
  /** Live gauges and counters (the numbers behind /metrics). */
  stats(): HubStats;
  /** Prometheus text, as served at /metrics. */
  metricsText(): string;
  /**
   * Sends `drain` to every client and closes them with 1012, then stops accepting connections once
   * `drainGraceMs` has passed (at once by default); until then `/healthz` answers 503.
   */
  drain(reason?: string): Promise<void>;
  /** Drains (ending any drain grace now), closes the server and flushes/closes the store the hub created. Idempotent. */
  close(): Promise<void>;
}

/** A snapshot of the hub's accounting. */
export interface HubStats extends Gauges {
  readonly eventsPublished: number;
  readonly eventsDelivered: number;
  readonly slowConsumerDisconnects: number;
  readonly pingTimeouts: number;
  readonly errors: Readonly<Record<string, number>>;
}

/** How long drained clients are told to wait before reconnecting. */
const DRAIN_RETRY_AFTER_MS = 1000;
/** How long close() waits for sockets to finish their closing handshake. */
const CLOSE_GRACE_MS = 2000;

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** A Redis store gets a Redis broker, so every node sharing it fans out every event; otherwise in-process. */
async function defaultBroker(spec: StoreSpec, onError: (err: unknown) => void): Promise<Broker> {
  if (!('kind' in spec) || spec.kind !== 'redis') return createLocalBroker();
  const broker = createRedisBroker({
    url: spec.url,
    onError,
    ...(spec.keyPrefix === undefined ? {} : { keyPrefix: spec.keyPrefix }),
  });
  await broker.ready();
  return broker;
}

/**
 * Accept-queue length asked of the kernel (capped by `net.core.somaxconn`). Node's default of 511 drops
 * connections when thousands of clients reconnect at once after a restart.
 */
const LISTEN_BACKLOG = 4096;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/**
 * Starts a hub: HTTP API and WebSocket endpoint on one port. Rejects with a `HubConfigError` when the
 * configuration is unsafe (no auth off loopback), or with the listen error (`EADDRINUSE`, …).
 */
export async function startHub(options: HubOptions = {}): Promise<Hub> {
  const config = resolveConfig(options);
  const openDevHub = decideOpenDevHub(config.host, options.auth);
  const logger = createLogger(options.logger);
  const spec = options.store ?? { kind: 'memory' };
  const ownsStore = 'kind' in spec;
  const store = createStore(spec, config.retention);
  const ownsBroker = options.broker === undefined;
  const metrics = new HubMetrics();
  const onError = (err: unknown): void => logger.error({ err }, 'hub internal error');
  const registry = new ChannelRegistry(store, onError);
  let broker: Broker;
  try {
    broker = options.broker ?? (await defaultBroker(spec, onError));
  } catch (err) {
    if (ownsStore) await store.close().catch(() => undefined);
    throw err;
  }
  const scheduler = new FlushScheduler(onError);
  let draining = false;
  const ctx: HubContext = {
    config,
    store,
    registry,
    scheduler,
    auth: new Authenticator(openDevHub, options.auth),
    metrics,
    logger,
    publish: createPublisher(store, broker, metrics, config.limits.maxBatch),
    isDraining: () => draining,
  };
  const stopFanOut = broker.onEnvelopes((channel, envelopes) => registry.broadcast(channel, envelopes));

  const sseStreams = new Set<SseStream>();
  let gateway: WsGateway | undefined;
  const gauges = (): Gauges => {
    let queuedBytes = 0;
    for (const conn of gateway?.connections ?? []) queuedBytes += conn.heldBytes;
    return {
      connections: gateway?.connections.size ?? 0,
      subscriptions: registry.size,
      sseStreams: sseStreams.size,
      queuedBytes,
      channels: registry.channelCount,
    };
  };
  const app = createApp({ ctx, gauges, sseStreams, staticDir: options.staticDir });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  const ws = new WsGateway(ctx, server);
  gateway = ws;

  let port: number;
  try {
    port = await listen(server, config.port, config.host);
  } catch (err) {
    stopFanOut();
    if (ownsStore) await store.close().catch(() => undefined);
    if (ownsBroker) await broker.close().catch(() => undefined);
    throw err;
  }

  server.on('error', onError);
  const stopTicker = startTicker(
    {
      tick: (now) => {
        for (const conn of ws.connections) conn.tick(now);
      },
      heartbeat: (now) => {
        const ping = JSON.stringify({ type: 'ping', ts: now });
        for (const conn of ws.connections) conn.heartbeat(ping);
        for (const sse of sseStreams) sse.keepAlive();
      },
    },
    config,
    onError,
  );

  const url = `http://${urlHost(config.host)}:${port}`;
  // info is the CLI's: it prints `listening on` itself, and one line per start is enough.
  logger.debug({ url, openDevHub }, openDevHub ? 'listening (open dev hub: no auth)' : 'listening');

  let serverClosed: Promise<void> | undefined;
  const stopServer = (): Promise<void> => {
    serverClosed ??= new Promise<void>((resolve) => server.close(() => resolve()));
    return serverClosed;
  };
  let drained: Promise<void> | undefined;
  let closed: Promise<void> | undefined;

  // Ends the drain grace early (close() during the grace).
  let endGrace: () => void = () => {};
  const graceOver = new Promise<void>((resolve) => {
    endGrace = resolve;
  });
  const drain = (reason = 'shutdown'): Promise<void> => {
    drained ??= (async () => {
      draining = true;
      // Without a grace, stop accepting at once; with one, health checks keep seeing 503 until it ends.
      if (config.drainGraceMs === 0) void stopServer();
      logger.info({ reason, connections: ws.connections.size }, 'draining');
      for (const conn of [...ws.connections]) {
        conn.sendControl({ type: 'drain', reason, retryAfterMs: DRAIN_RETRY_AFTER_MS });
        conn.closeWith(CloseCode.ServiceRestart, reason.slice(0, 100));
      }
      for (const sse of [...sseStreams]) sse.close();
      const grace = config.drainGraceMs === 0 ? undefined : setTimeout(endGrace, config.drainGraceMs);
      await Promise.all([ws.settle(CLOSE_GRACE_MS), config.drainGraceMs === 0 ? undefined : graceOver]);
      clearTimeout(grace);
      void stopServer();
    })();
    return drained;
  };

  const hub: Hub = {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/v1/ws`,
    port,
    host: config.host,
    openDevHub,
    publish: (channel, events) => ctx.publish(channel, events),
    connectionCount: () => ws.connections.size,
    stats: () => ({
      ...gauges(),
      eventsPublished: metrics.eventsPublished,
      eventsDelivered: metrics.eventsDelivered,
      slowConsumerDisconnects: metrics.slowConsumerDisconnects,
      pingTimeouts: metrics.pingTimeouts,
      errors: Object.fromEntries(metrics.errors),
    }),
    metricsText: () => renderMetrics(metrics, gauges()),
    drain,
    close: () => {
      closed ??= (async () => {
        endGrace();
        await drain('shutdown');
        stopTicker();
        server.closeAllConnections();
        await stopServer();
        await ws.close();
        scheduler.stop();
        stopFanOut();
        registry.close();
        if (ownsBroker) await broker.close().catch(onError);
        if (ownsStore) await store.close().catch(onError);
        logger.info('hub closed');
      })();
      return closed;
    },
  };
  return hub;
}
