import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, type PublishInput } from '@herald/protocol';
import { getRequestListener } from '@hono/node-server';
import type { Logger } from 'pino';
import { Authenticator } from './auth/authenticator.js';
import { decideOpenDevHub } from './auth/dev-hub.js';
import { ChannelRegistry } from './channels.js';
import { CollectionExpiry } from './collection-expiry.js';
import { type HubOptions, type ResolvedConfig, resolveConfig, type StoreSpec } from './config.js';
import type { HubContext } from './context.js';
import { FlushScheduler } from './flush-scheduler.js';
import { createApp } from './http/app.js';
import { createEventsRoute } from './http/events-route.js';
import { screenOrigin } from './http/origin-check.js';
import { observeRequest } from './http/request-metrics.js';
import type { SseStream } from './http/sse.js';
import type { HubStats, MountableHub } from './hub-api.js';
import { createLogger } from './logger.js';
import { type Gauges, HubMetrics, renderMetrics } from './metrics.js';
import { Publisher } from './publish.js';
import { createStore } from './store/create-store.js';
import { createLocalBroker } from './store/local-broker.js';
import { createNatsBroker, type NatsStore } from './store/nats/index.js';
import { createPostgresBroker, type PostgresStore } from './store/postgres/index.js';
import { createRedisBroker } from './store/redis-broker.js';
import type { AppendResult, Broker, EventStore } from './store/types.js';
import { startTicker } from './ticker.js';
import { WsGateway } from './ws/gateway.js';

/** How long drained clients are told to wait before reconnecting. */
const DRAIN_RETRY_AFTER_MS = 1000;
/** How long a drain waits for sockets to finish their closing handshake. */
const CLOSE_GRACE_MS = 2000;

/**
 * A Redis, PostgreSQL or NATS store gets a broker on the same engine, so every node sharing it fans out
 * every event; otherwise in-process. `store` is the one {@link createStore} made from `spec`. Resolves once
 * the broker hears other nodes; a broker that cannot get there is closed before the error is passed on.
 */
async function defaultBroker(
  spec: StoreSpec,
  store: EventStore,
  onError: (err: unknown) => void,
): Promise<Broker> {
  if (!('kind' in spec)) return createLocalBroker();
  let broker: Broker & { ready(): Promise<void> };
  switch (spec.kind) {
    case 'redis':
      broker = createRedisBroker({
        url: spec.url,
        onError,
        ...(spec.keyPrefix === undefined ? {} : { keyPrefix: spec.keyPrefix }),
      });
      break;
    case 'postgres':
      // createStore made a PostgreSQL store from this spec.
      broker = createPostgresBroker({ url: spec.url, store: store as PostgresStore, onError });
      break;
    case 'nats':
      // createStore made a JetStream store from this spec.
      broker = createNatsBroker({ servers: spec.servers, store: store as NatsStore, onError });
      break;
    default:
      return createLocalBroker();
  }
  try {
    await broker.ready();
  } catch (err) {
    await broker.close().catch(() => undefined);
    throw err;
  }
  return broker;
}

/**
 * Waits for a PostgreSQL store the hub created to connect and migrate, so an unreachable database fails
 * the start (its broker would only keep retrying).
 */
async function storeReady(spec: StoreSpec, store: EventStore): Promise<void> {
  if ('kind' in spec && spec.kind === 'postgres') await (store as PostgresStore).ready();
}

/** What {@link HubRuntime} is built from. */
interface RuntimeParts {
  readonly config: ResolvedConfig;
  readonly openDevHub: boolean;
  readonly logger: Logger;
  readonly store: EventStore;
  readonly ownsStore: boolean;
  readonly broker: Broker;
  readonly ownsBroker: boolean;
  readonly options: HubOptions;
}

/** The hub's parts wired together; {@link startHub} adds a listening server around it. */
export class HubRuntime implements MountableHub {
  /** @inheritdoc */
  readonly openDevHub: boolean;
  /** The resolved configuration. */
  readonly config: ResolvedConfig;
  /** The hub's logger. */
  readonly logger: Logger;
  private readonly ctx: HubContext;
  private readonly gateway: WsGateway;
  private readonly sseStreams = new Set<SseStream>();
  private readonly listener: ReturnType<typeof getRequestListener>;
  /** Publish and history on Node's own request, before the Hono app (see events-route.ts). */
  private readonly eventsRoute: ReturnType<typeof createEventsRoute>;
  private readonly stopTicker: () => void;
  /** Removes expired collection entries (one timer, bounded; stopped on release). */
  private readonly expiry: CollectionExpiry;
  private draining = false;
  private drained: Promise<void> | undefined;
  private closed: Promise<void> | undefined;
  private released: Promise<void> | undefined;
  private endGrace: () => void = () => {};
  private readonly graceOver = new Promise<void>((resolve) => {
    this.endGrace = resolve;
  });

  constructor(private readonly parts: RuntimeParts) {
    const { config, logger, store, broker, options } = parts;
    this.openDevHub = parts.openDevHub;
    this.config = config;
    this.logger = logger;
    const onError = (err: unknown): void => logger.error({ err }, 'hub internal error');
    const metrics = new HubMetrics();
    const registry = new ChannelRegistry(store, onError, (channel, from, to, subscribers) => {
      metrics.historyResets++;
      logger.warn(
        { channel, from, epoch: to.epoch, lastSeq: to.lastSeq, subscribers },
        'channel history reset (new epoch): local subscribers are told, never given both histories as one',
      );
    });
    const isDraining = (): boolean => this.draining;
    this.expiry = new CollectionExpiry({
      publish: (channel, events) => this.ctx.publisher.publishTrusted(channel, events),
      onError,
      onFull: (channel, key) =>
        logger.warn({ channel, key }, 'collection expiry bound reached; not scheduled'),
    });
    // Appends and state reads (GET /state, snapshots) schedule the collection expiries they carry.
    const watched = this.expiry.watch(store);
    this.ctx = {
      config,
      store: watched,
      registry,
      scheduler: new FlushScheduler(onError),
      auth: new Authenticator(parts.openDevHub, options.auth, config.allowedOrigins),
      metrics,
      logger,
      publisher: new Publisher({ config, store: watched, broker, registry, metrics, isDraining }),
      isDraining,
    };
    this.gateway = new WsGateway(this.ctx);
    const app = createApp({
      ctx: this.ctx,
      gauges: () => this.gauges(),
      sseStreams: this.sseStreams,
      staticDir: options.staticDir,
    });
    this.listener = getRequestListener(app.fetch);
    this.eventsRoute = createEventsRoute(this.ctx);
    this.stopTicker = startTicker(
      {
        tick: (now) => {
          for (const conn of this.gateway.connections) conn.tick(now);
        },
        heartbeat: (now, slot, slots) => {
          const ping = JSON.stringify({ type: 'ping', ts: now }); // encoded once per tick
          for (const conn of this.gateway.connections) if (conn.serial % slots === slot) conn.heartbeat(ping);
          if (slot === 0) for (const sse of this.sseStreams) sse.keepAlive();
        },
      },
      config,
      onError,
    );
  }

  /** @inheritdoc */
  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    observeRequest(this.ctx.metrics, req, res);
    if (screenOrigin(this.ctx, req, res)) return;
    if (!this.eventsRoute(req, res)) void this.listener(req, res);
  }

  /** @inheritdoc */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.gateway.handleUpgrade(req, socket, head);
  }

  /** @inheritdoc */
  publish(channel: string, events: readonly PublishInput[]): Promise<AppendResult> {
    return this.ctx.publisher.publishTrusted(channel, events);
  }

  /** @inheritdoc */
  connectionCount(): number {
    return this.gateway.connections.size;
  }

  /** @inheritdoc */
  stats(): HubStats {
    const m = this.ctx.metrics;
    return {
      ...this.gauges(),
      eventsPublished: m.eventsPublished,
      eventsDelivered: m.eventsDelivered,
      slowConsumerDisconnects: m.slowConsumerDisconnects,
      pingTimeouts: m.pingTimeouts,
      errors: Object.fromEntries(m.errors),
    };
  }

  /** @inheritdoc */
  metricsText(): string {
    return renderMetrics(this.ctx.metrics, this.gauges());
  }

  private gauges(): Gauges {
    let queuedBytes = 0;
    for (const conn of this.gateway.connections) queuedBytes += conn.peer.heldBytes;
    for (const sse of this.sseStreams) queuedBytes += sse.heldBytes;
    return {
      connections: this.gateway.connections.size,
      subscriptions: this.ctx.registry.size,
      sseStreams: this.sseStreams.size,
      queuedBytes,
      channels: this.ctx.registry.channelCount,
    };
  }

  /** @inheritdoc */
  drain(reason = 'shutdown'): Promise<void> {
    this.drained ??= (async () => {
      this.draining = true;
      const { drainGraceMs } = this.config;
      this.logger.info({ reason, connections: this.gateway.connections.size }, 'draining');
      for (const conn of [...this.gateway.connections]) {
        conn.sendControl({ type: 'drain', reason, retryAfterMs: DRAIN_RETRY_AFTER_MS });
        conn.closeWith(CloseCode.ServiceRestart, reason.slice(0, 100));
      }
      for (const sse of [...this.sseStreams]) sse.close();
      // During the grace health checks keep seeing 503, so a load balancer routes elsewhere first.
      const grace = drainGraceMs === 0 ? undefined : setTimeout(this.endGrace, drainGraceMs);
      await Promise.all([
        this.gateway.settle(CLOSE_GRACE_MS),
        drainGraceMs === 0 ? undefined : this.graceOver,
      ]);
      clearTimeout(grace);
    })();
    return this.drained;
  }

  /** Ends a drain grace now (a close during the grace). */
  endDrainGrace(): void {
    this.endGrace();
  }

  /** @inheritdoc */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.endGrace();
      await this.drain('shutdown');
      await this.release();
      this.logger.info('hub closed');
    })();
    return this.closed;
  }

  /** Stops timers and the WebSocket server, then closes the broker and store the hub created. Idempotent. */
  release(): Promise<void> {
    this.released ??= (async () => {
      const { parts, ctx } = this;
      const onError = (err: unknown): void => this.logger.error({ err }, 'hub internal error');
      this.stopTicker();
      await this.gateway.close();
      ctx.scheduler.stop();
      this.expiry.close();
      ctx.publisher.stop();
      ctx.registry.close();
      if (parts.ownsBroker) await parts.broker.close().catch(onError);
      if (parts.ownsStore) await parts.store.close().catch(onError);
    })();
    return this.released;
  }
}

/** Builds the hub's parts; {@link createHub} and {@link startHub} share it. */
export async function openHub(options: HubOptions): Promise<HubRuntime> {
  const config = resolveConfig(options);
  const openDevHub = decideOpenDevHub(config.host, options.auth);
  const logger = createLogger(options.logger);
  const spec = options.store ?? { kind: 'memory' };
  const ownsStore = 'kind' in spec;
  const store = createStore(spec, config.retention, {
    maxStateBytes: config.limits.maxStateBytes,
    durability: config.durability,
  });
  let broker: Broker;
  try {
    await storeReady(spec, store);
    broker =
      options.broker ??
      (await defaultBroker(spec, store, (err) => logger.error({ err }, 'hub internal error')));
  } catch (err) {
    if (ownsStore) await store.close().catch(() => undefined);
    throw err;
  }
  const ownsBroker = options.broker === undefined;
  return new HubRuntime({ config, openDevHub, logger, store, ownsStore, broker, ownsBroker, options });
}

/**
 * Creates a hub to mount in a `node:http` server you run (plain `http.Server`, Express, Fastify): pass
 * its requests to {@link MountableHub.handleRequest} and its upgrades to {@link MountableHub.handleUpgrade},
 * and `close()` it before the server. `port` is not used; `host` should name the interface your server
 * binds, since a hub without auth runs only on loopback (otherwise this rejects with a `HubConfigError`).
 *
 * @example
 * ```ts
 * const hub = await createHub({ auth: { publisherKeys: [process.env.HERALD_KEY ?? ''] }, host: '0.0.0.0' });
 * const server = http.createServer((req, res) => hub.handleRequest(req, res));
 * server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
 * server.listen(8080);
 * ```
 */
export async function createHub(options: HubOptions = {}): Promise<MountableHub> {
  return openHub(options);
}
