import type { Logger } from 'pino';
import { resolveAccessOptions } from './auth/access-options.js';
import { DEFAULT_DURABILITY, type Durability, isDurability } from './durability.js';
import type { StoreSpec } from './store/create-store.js';
import { DEFAULT_PAGE_BYTES } from './store/read-page.js';
import type { Broker, EventStore, RetentionOptions } from './store/types.js';
import { type CompressionOptions, resolveCompression } from './ws/compression.js';

export type { StoreSpec };

/** Authentication settings. With none of them set, only a loopback hub may start (as an open dev hub). */
export interface AuthOptions {
  /** HS256 secret that signs connection tokens (JWT). */
  jwtSecret?: string;
  /** URL of a JSON Web Key Set that signs connection tokens. */
  jwksUrl?: string;
  /**
   * Opaque API keys for backend publishers (`Authorization: Bearer <key>`). A plain string may publish to
   * and read every channel; `{ key, channels }` only the channels its patterns match (`run:*`), for both.
   */
  publisherKeys?: readonly PublisherKey[];
  /**
   * Accept connection tokens without an `exp` claim.
   * @default false
   */
  allowNonExpiringTokens?: boolean;
  /**
   * Audiences a connection token must name in `aud` (one of them); a token without a matching `aud` is
   * refused with `ERR_UNAUTHORIZED` (close 4401, HTTP 401), its message naming the claim.
   * @default none (`aud` is not checked)
   */
  audience?: string | readonly string[];
  /**
   * Issuers a connection token's `iss` must be one of; another or none is refused with `ERR_UNAUTHORIZED`,
   * its message naming the claim.
   * @default none (`iss` is not checked)
   */
  issuer?: string | readonly string[];
  /**
   * Clock skew allowed when checking a token's `exp`, `nbf` and `iat`, in seconds. A token at most this far
   * past its `exp` is still accepted, and a connection it opens is honoured until `exp` plus this tolerance.
   * @default 5
   */
  clockToleranceSec?: number;
  /**
   * Name of a cookie that carries a connection token on the WebSocket upgrade and on HTTP reads (SSE,
   * history, state), so a browser need not put a token in a URL or a frame. A token in `hello` (or in
   * `Authorization` / `?token=`) wins over the cookie. Requires {@link HubOptions.allowedOrigins}: the hub
   * refuses to start with a cookie and no allow-list.
   * @default none
   */
  sessionCookie?: string;
}

/** A publisher key limited to the channels its patterns match (`run:*`), for publishing and reading. */
export interface ScopedPublisherKey {
  /** The key itself. */
  readonly key: string;
  /** Channel patterns (as in token claims: `*` matches any run of characters) the key may use. */
  readonly channels: readonly string[];
}

/** A publisher key: a plain key for every channel, or one scoped to channel patterns. */
export type PublisherKey = string | ScopedPublisherKey;

/** Per-connection and per-request limits. Each one has a documented error code. */
export interface LimitOptions {
  /**
   * Largest WebSocket frame accepted, in bytes. Up to 4× this is answered `ERR_FRAME_TOO_LARGE`; more is cut
   * with close 1009.
   * @default 65536
   */
  maxFrameBytes: number;
  /**
   * Channels one connection may subscribe to.
   * @default 100
   */
  maxChannelsPerConnection: number;
  /**
   * Per-connection send buffer (socket buffer plus hub queue). Past it the connection is closed with 4008.
   * @default 1048576
   */
  maxBufferedBytes: number;
  /**
   * Sustained published events per second, per WebSocket connection, or per credential (publisher key or
   * token subject) over HTTP; an open dev hub does not limit HTTP publishes (see `PublishLimiter`).
   * @default 100
   */
  publishRatePerSec: number;
  /**
   * Publish burst size of the token bucket. A batch larger than this is accepted from a full bucket.
   * @default 200
   */
  publishBurst: number;
  /**
   * Events in one HTTP batch publish.
   * @default 100
   */
  maxBatch: number;
  /**
   * Largest HTTP request body, in bytes, enforced while reading.
   * @default 1048576
   */
  maxBodyBytes: number;
  /**
   * Largest channel state document, in UTF-8 bytes of its JSON. A publish whose state operations would grow
   * a channel's state past it is refused with `ERR_STATE_TOO_LARGE` (413) and nothing is stored. Applies to
   * the stores the hub creates from a {@link StoreSpec}; a ready store instance keeps its own limit.
   * @default 1048576
   */
  maxStateBytes: number;
  /**
   * Largest event, in UTF-8 bytes of its envelope as subscribers receive it (data, type, id, channel, state
   * operations, with seq and ts at their longest). A publish (HTTP or WebSocket) with a larger event is
   * refused with `ERR_EVENT_TOO_LARGE` (413) and nothing is stored: an event that does not fit a
   * subscriber's send buffer could never be delivered. At most half of `maxBufferedBytes`, so a subscriber
   * that is reading always has room for the next one, and at most `retention.maxBytes`, so a channel can
   * keep it: the hub refuses to start with a larger one.
   * @default 262144 (256 KiB), or less when half of `maxBufferedBytes` or `retention.maxBytes` is less
   */
  maxEventBytes: number;
  /**
   * Payload bytes (the events' `data` JSON) one history read takes from the store: a replay page shared by
   * the subscribers resuming the same range, and one `GET …/events` answer (`limit` stays the most events,
   * and a page always holds at least one event). Bounds the memory and the event-loop time one read costs.
   * @default 1048576 (1 MiB)
   */
  maxPageBytes: number;
}

/** Options of {@link startHub}. Every field is optional. */
export interface HubOptions {
  /**
   * TCP port; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Interface to bind.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * History store: `{kind: 'memory'}`, `{kind: 'sqlite', dir}`, `{kind: 'redis', url}`,
   * `{kind: 'postgres', url}` or `{kind: 'nats', servers}` (see {@link StoreSpec} and `docs/stores.md`),
   * created, awaited and closed by the hub. A ready {@link EventStore} instance is used as is and is not
   * closed by the hub.
   * @default { kind: 'memory' }
   */
  store?: StoreSpec;
  /**
   * Event fan-out between hub nodes. A given broker is used as is and is not closed by the hub.
   * @default a broker on the store's engine for a `redis`, `postgres` or `nats` spec (created, awaited and
   * closed by the hub), else an in-process broker
   */
  broker?: Broker;
  /** Authentication. @default none (allowed only on loopback, as an open dev hub) */
  auth?: AuthOptions;
  /**
   * Browser origins (`https://app.example.com`, or `*` for any) allowed to open WebSockets and call
   * `/v1/*`: a request whose `Origin` is not listed is refused with `403 ERR_ORIGIN_NOT_ALLOWED`, and CORS
   * answers name only listed origins. Requests without an `Origin` header (non-browser clients) are always
   * allowed. A list replaces the default.
   * @default loopback origins only (`http(s)://localhost`, `127.0.0.1`, `[::1]`, any port) on an open dev
   * hub; any origin on a hub with auth (its credentials are bearer tokens a foreign page does not hold)
   */
  allowedOrigins?: readonly string[];
  /** Limits; each one defaults as documented on {@link LimitOptions}. */
  limits?: Partial<LimitOptions>;
  /**
   * Interval of hub pings; a peer that has not answered by the next one is closed with 4001.
   * @default 25000
   */
  heartbeatMs?: number;
  /**
   * Time a new socket has to send `hello`.
   * @default 10000
   */
  handshakeTimeoutMs?: number;
  /**
   * How long before token expiry the hub sends `refresh_required`.
   * @default 30000
   */
  refreshBeforeMs?: number;
  /**
   * How long a draining hub keeps its port open before it stops accepting connections, in ms. Clients
   * already connected are sent `drain` and closed with 1012 at once; during the grace `GET /healthz`
   * answers `503 {status:"draining"}`, WebSocket upgrades `503` and publishes `503 ERR_SHUTTING_DOWN`, so a
   * load balancer takes the node out of rotation before its port closes. {@link Hub.close} called during
   * the grace ends it early.
   * @default 0
   */
  drainGraceMs?: number;
  /**
   * How long an HTTP request may take to send its headers, in ms (node:http `headersTimeout`). Past it the
   * hub answers `408 ERR_REQUEST_TIMEOUT` and closes the connection. Applies to {@link startHub}'s own server;
   * a hub mounted with `createHub` leaves it to the server it is mounted in.
   * @default 10000
   */
  headersTimeoutMs?: number;
  /**
   * How long an HTTP request may take to send its headers and its whole body, in ms (node:http
   * `requestTimeout`), so a client dribbling its body cannot hold a connection for minutes. Past it the hub
   * answers `408 ERR_REQUEST_TIMEOUT` and closes the connection. At least `headersTimeoutMs`. Answers and
   * SSE streams are not limited by it. Applies to {@link startHub}'s own server, as `headersTimeoutMs`.
   * @default 30000
   */
  requestTimeoutMs?: number;
  /** History retention per channel. @default 10000 events, 24 h, 64 MiB of payload */
  retention?: Partial<RetentionOptions>;
  /**
   * What an acknowledged publish survives: `'normal'` a crash of the hub process, `'full'` also a power
   * loss (an fsync per commit). Applies to the SQLite store the hub creates; see {@link Durability}.
   * @default 'normal'
   */
  durability?: Durability;
  /**
   * permessage-deflate (RFC 7692) on WebSocket connections whose client offers it (browsers always do, the
   * `ws` package by default): `true` with the defaults of {@link CompressionOptions}, or some of them.
   * JSON frames shrink to a seventh (live, one event per frame) or a tenth (replay), at the cost of a zlib
   * call per message per subscriber (each connection compresses its own copy) and zlib memory per
   * connection; bench/README.md measures both. Off, an offer is answered without the extension and frames
   * go plain. SSE and HTTP answers are not compressed by the hub (a proxy may).
   * @default false
   */
  compression?: boolean | Partial<CompressionOptions>;
  /** When set, this folder is served at `/` (SPA fallback to index.html). */
  staticDir?: string;
  /**
   * Structured logger; `false` silences the hub.
   * @default pino to stderr at level 'info'
   */
  logger?: Logger | false;
}

/** The defaults of {@link LimitOptions}. */
export const DEFAULT_LIMITS: Readonly<LimitOptions> = Object.freeze({
  maxFrameBytes: 65_536,
  maxChannelsPerConnection: 100,
  maxBufferedBytes: 1_048_576,
  publishRatePerSec: 100,
  publishBurst: 200,
  maxBatch: 100,
  maxBodyBytes: 1_048_576,
  maxStateBytes: 1_048_576,
  maxEventBytes: 262_144,
  maxPageBytes: DEFAULT_PAGE_BYTES,
});

/** {@link HubOptions} with every default applied. */
export interface ResolvedConfig {
  readonly port: number;
  readonly host: string;
  readonly limits: Readonly<LimitOptions>;
  readonly heartbeatMs: number;
  readonly handshakeTimeoutMs: number;
  readonly refreshBeforeMs: number;
  readonly drainGraceMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly retention: Partial<RetentionOptions>;
  readonly durability: Durability;
  /** {@link HubOptions.compression} resolved, or `null` when it is off. */
  readonly compression: Readonly<CompressionOptions> | null;
  /** {@link HubOptions.allowedOrigins} normalized, or `null` for the default. */
  readonly allowedOrigins: readonly string[] | null;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a number >= 0`);
  return value;
}

function durabilityOf(value: Durability | undefined): Durability {
  if (value === undefined) return DEFAULT_DURABILITY;
  if (!isDurability(value)) throw new RangeError("durability must be 'normal' or 'full'");
  return value;
}

/** `headersTimeoutMs` and `requestTimeoutMs`, checked together (node:http refuses headers > request). */
function requestTimeouts(options: HubOptions): { headersTimeoutMs: number; requestTimeoutMs: number } {
  const headersTimeoutMs = positive('headersTimeoutMs', options.headersTimeoutMs, 10_000);
  const requestTimeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs, 30_000);
  if (headersTimeoutMs > requestTimeoutMs)
    throw new RangeError('headersTimeoutMs must not be larger than requestTimeoutMs');
  return { headersTimeoutMs, requestTimeoutMs };
}

/**
 * Refuses an event limit that some subscriber could not be sent: every send buffer must hold two of the
 * largest events (the one the socket is writing and the next), and every channel must be able to keep one.
 */
function checkEventLimit(limits: LimitOptions, retention: Partial<RetentionOptions> | undefined): void {
  const { maxEventBytes, maxBufferedBytes } = limits;
  if (maxEventBytes * 2 > maxBufferedBytes) {
    throw new RangeError(
      `limits.maxEventBytes (${maxEventBytes}) must be at most half of limits.maxBufferedBytes ` +
        `(${maxBufferedBytes}): an event that large could not be delivered to every subscriber; raise ` +
        'maxBufferedBytes or lower maxEventBytes',
    );
  }
  const keep = retention?.maxBytes;
  if (keep !== undefined && keep < maxEventBytes) {
    throw new RangeError(
      `retention.maxBytes (${keep}) must be at least limits.maxEventBytes (${maxEventBytes}): a channel ` +
        'must be able to keep its largest event',
    );
  }
}

/** Applies defaults and checks ranges. Throws a `RangeError` naming the bad option. */
export function resolveConfig(options: HubOptions): ResolvedConfig {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError('port must be 0-65535');
  const store: unknown = options.store;
  // A JavaScript caller can pass anything; a string such as 'memory' would fail deep inside with a TypeError.
  if (store !== undefined && (typeof store !== 'object' || store === null))
    throw new TypeError(
      "store must be a store spec such as { kind: 'sqlite', dir } or an EventStore instance",
    );
  const given = options.limits ?? {};
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof LimitOptions)[]) {
    limits[key] = positive(`limits.${key}`, given[key], DEFAULT_LIMITS[key]);
  }
  if (given.maxEventBytes === undefined) {
    const keep = options.retention?.maxBytes ?? Number.POSITIVE_INFINITY;
    limits.maxEventBytes = Math.min(limits.maxEventBytes, Math.floor(limits.maxBufferedBytes / 2), keep);
  }
  checkEventLimit(limits, options.retention);
  return {
    port,
    host: options.host ?? '127.0.0.1',
    limits: Object.freeze(limits),
    heartbeatMs: positive('heartbeatMs', options.heartbeatMs, 25_000),
    handshakeTimeoutMs: positive('handshakeTimeoutMs', options.handshakeTimeoutMs, 10_000),
    refreshBeforeMs: positive('refreshBeforeMs', options.refreshBeforeMs, 30_000),
    drainGraceMs: nonNegative('drainGraceMs', options.drainGraceMs, 0),
    ...requestTimeouts(options),
    retention: options.retention ?? {},
    durability: durabilityOf(options.durability),
    compression: resolveCompression(options.compression),
    allowedOrigins: resolveAccessOptions(options),
  };
}
