import type {
  ClientMessage,
  Envelope,
  HeraldError,
  JsonValue,
  Position,
  ServerMessage,
  SincePosition,
  StateBody,
} from '@herald/protocol';

/** The connection lifecycle. Allowed moves are listed in `state-machine.ts`. */
export type ConnectionState =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'offline'
  | 'failed'
  | 'closed';

/**
 * How the client talks to the hub: Herald's own transports, or `custom` for one opened by
 * {@link ClientOptions.openTransport} (a source for a backend without a hub, a tab sharing another's
 * connection).
 */
export type TransportName = HubTransportName | 'custom';

/** The transports that talk to a Herald hub, for {@link ClientOptions.transports}. */
export type HubTransportName = 'websocket' | 'sse' | 'polling';

/** An immutable snapshot of the connection; a new object only when something changed. */
export interface ConnectionStatus {
  readonly state: ConnectionState;
  /** Current reconnect attempt, 0 when connected. */
  readonly attempt: number;
  /** Epoch ms of the next scheduled retry (for a countdown), or null. */
  readonly nextRetryAt: number | null;
  /** The last failure, or null. */
  readonly lastError: HeraldError | null;
  /** Epoch ms when the last connection was established, or null. */
  readonly lastConnectedAt: number | null;
  /** The transport in use (or last used), or null before the first connection. */
  readonly transport: TransportName | null;
}

/**
 * An event-handler property type that checks its parameter bivariantly (method-style), so the richer
 * event types of real implementations (the DOM's, `ws`'s) fit without a cast.
 */
export type SocketHandler<E> = { handle(event: E): void }['handle'];

/** The minimal WebSocket surface the client uses (browser `WebSocket` and the `ws` package both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: SocketHandler<unknown> | null;
  onmessage: SocketHandler<{ data: unknown }> | null;
  onclose: SocketHandler<{ code: number; reason: string }> | null;
  onerror: SocketHandler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor, such as `globalThis.WebSocket` or `WebSocket` from the `ws` package. */
export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** The part of an `EventSource` the SSE transport uses (the browser's, or the `eventsource` package's). */
export interface EventSourceLike {
  onopen: SocketHandler<unknown> | null;
  /** Called for the source's own errors (which carry no `data`) and for `event: error` events. */
  onerror: SocketHandler<unknown> | null;
  addEventListener(type: string, listener: (event: { readonly data?: unknown }) => void): void;
  close(): void;
}

/** An `EventSource` constructor, such as `globalThis.EventSource` or `EventSource` from the `eventsource` package. */
export type EventSourceConstructorLike = new (url: string) => EventSourceLike;

/** Key/value storage for the outbox (`localStorage` fits). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A log sink. Every method is optional; the client is silent by default. `console` fits. */
export type Logger = Partial<
  Record<'debug' | 'info' | 'warn' | 'error', (message: string, data?: unknown) => void>
>;

/** The outside world the client depends on. Every member can be replaced (tests, Node, workers). */
export interface Environment {
  /** @default globalThis.setTimeout */
  setTimeout(fn: () => void, ms: number): unknown;
  /** @default globalThis.clearTimeout */
  clearTimeout(handle: unknown): void;
  /** Wall clock in epoch ms. @default Date.now */
  now(): number;
  /** Random number in [0, 1) for backoff jitter. @default Math.random */
  random(): number;
  /** Whether the network is believed to be up. @default navigator.onLine, or true without a navigator */
  isOnline(): boolean;
  /** Subscribes to online/offline changes; returns an unsubscribe. @default window 'online'/'offline' events */
  onOnlineChange(listener: (online: boolean) => void): () => void;
  /** Subscribes to "the page became visible again"; returns an unsubscribe. @default document 'visibilitychange' */
  onVisible(listener: () => void): () => void;
  /** HTTP client for the polling and SSE transports and publishes over HTTP. @default globalThis.fetch */
  fetch: typeof fetch;
  /**
   * The EventSource the SSE transport reads with (the token then goes as `?token=`, since EventSource sends
   * no headers); `null` reads with {@link Environment.fetch} streaming and an `Authorization` header instead.
   * @default globalThis.EventSource when there is one (browsers), else null (Node)
   */
  EventSource?: EventSourceConstructorLike | null;
}

/** Backoff policy: full-jitter exponential, capped. */
export interface BackoffOptions {
  /** First delay ceiling in ms. @default 1000 */
  initialMs: number;
  /** Largest delay ceiling in ms. @default 30000 */
  maxMs: number;
  /** Growth factor per attempt. @default 2 */
  factor: number;
  /** Give up (state `failed`) after this many consecutive failed attempts. @default Infinity */
  maxAttempts: number;
  /** The attempt counter resets only after a connection stayed up this long, in ms. @default 5000 */
  minUptimeMs: number;
}

/** What the outbox does when it is full. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'reject';

/** Outbox limits for publishes that wait for an ack. */
export interface OutboxOptions {
  /** Most messages held (queued plus in flight). @default 100 */
  maxSize: number;
  /** Resends after the first send before a message is dropped with ERR_OUTBOX_EXPIRED. @default 3 */
  maxRetries: number;
  /** A message not acked within this many ms is dropped with ERR_OUTBOX_EXPIRED. @default 3600000 (1 h) */
  ttlMs: number;
  /** Full outbox: drop the oldest, drop the new one, or reject the new one; all reject with ERR_OUTBOX_FULL. @default 'drop-oldest' */
  overflow: OverflowPolicy;
  /** Storage key for the persisted outbox. @default 'herald:outbox' */
  storageKey: string;
}

/** Options of {@link createClient}. */
export interface ClientOptions {
  /**
   * Hub base URL (`http://host:port`) or WebSocket URL (`ws://host:port/v1/ws`), or several hub nodes
   * sharing one store, as a list: `['https://a.example.com', 'https://b.example.com']`. The client starts
   * with the first; each failed attempt and each lost connection moves to the next (in turn, wrapping
   * around) after the usual {@link ClientOptions.backoff} delay, so there is one reconnect policy whatever
   * the number of nodes, and a draining node's clients move on to the others. Polling, HTTP publishes and
   * `fetchState` use the node in use. Positions are per channel, not per node, so a subscription resumes
   * on the next node with nothing lost or repeated (the nodes must share one store: Redis, PostgreSQL or
   * NATS JetStream).
   */
  url: string | readonly string[];
  /** Returns a connection token. Called at every connect and on `refresh_required`. @default none (open hub) */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /**
   * WebSocket implementation. Without one (and without `globalThis.WebSocket`) the client polls over HTTP.
   *
   * Compression is the implementation's: browsers always offer permessage-deflate, and so does the `ws`
   * package unless told otherwise; a hub started with `compression` then deflates its frames (about ten
   * times fewer bytes for JSON events), and one without answers plain. The client has no option of its
   * own for it. To turn it off with `ws`, pass
   * `class extends WebSocket { constructor(u: string, p?: string | string[]) { super(u, p, { perMessageDeflate: false }); } }`.
   * @default globalThis.WebSocket; in Node, the package's Node entry falls back to the `ws` package if installed
   */
  WebSocket?: WebSocketConstructorLike;
  /**
   * Allowed transports in order of preference. The WebSocket is used when allowed and there is one; after
   * it failed `fallbackAfter` times before ever connecting (a proxy that refuses upgrades), or without one,
   * the client uses the first HTTP transport listed: `'sse'` (one stream per subscribed channel, publishes
   * over HTTP; `@herald/client/sse`, loaded on demand) or `'polling'`. Behind either it keeps trying the
   * WebSocket every `upgradeIntervalMs` and switches back with nothing lost or repeated. Every transport
   * has the same resume, dedupe, gap and status semantics. SSE is not in the default: a proxy that buffers
   * responses stalls SSE streams but not polls, and the client does not fall back from SSE to polling; use
   * `['websocket', 'sse', 'polling']` where streaming through proxies is known to work.
   * @default ['websocket', 'polling']
   */
  transports?: readonly HubTransportName[];
  /** Reconnect policy. @default { initialMs: 1000, maxMs: 30000, factor: 2, maxAttempts: Infinity, minUptimeMs: 5000 } */
  backoff?: Partial<BackoffOptions>;
  /** Time allowed to open the socket and receive `welcome` (and for one polling round), in ms. @default 10000 */
  connectTimeoutMs?: number;
  /** Outbox policy. @default { maxSize: 100, maxRetries: 3, ttlMs: 3600000, overflow: 'drop-oldest' } */
  outbox?: Partial<OutboxOptions>;
  /** Where the outbox is persisted so queued publishes survive a reload. @default null (memory only) */
  persistence?: StorageLike | null;
  /** Timers, clock, online and visibility sources, fetch. @default browser/Node globals */
  environment?: Partial<Environment>;
  /** Connect on first subscribe/publish and close the idle socket after the last unsubscribe. @default true */
  lazy?: boolean;
  /** Delay before a lazy client closes its idle connection, in ms. @default 1000 */
  idleTimeoutMs?: number;
  /** WebSocket failures before the first connection after which polling is used (when allowed). @default 3 */
  fallbackAfter?: number;
  /** Polling interval of the polling transport, in ms. @default 2000 */
  pollIntervalMs?: number;
  /**
   * While polling, how often to try the WebSocket again in the background, in ms; once it connects the
   * client switches to it with nothing lost or repeated. `0` disables. @default 30000
   */
  upgradeIntervalMs?: number;
  /**
   * Opens a transport of your own instead of Herald's (`transports` and `WebSocket` are then unused): it
   * is sent `hello` first and must answer as the hub would (`welcome`, `subscribed`, `events`...), so
   * status, backoff, resume, dedupe and gaps stay the client's. What `@herald/client/sources` (backends
   * without a hub) and `@herald/client/tabs` (one connection for every tab) are built on. Called for every
   * attempt; throwing or rejecting counts as a failed attempt.
   */
  openTransport?: (handlers: TransportHandlers) => Transport | Promise<Transport>;
  /**
   * Share one hub connection between every tab of the origin (a Web Locks leader, BroadcastChannel
   * followers; docs/tabs.md). Honoured by `createClient` of `@herald/client/tabs`, the entry that carries
   * the machinery, so that apps which do not share pay nothing; the core's `createClient` throws a
   * `TypeError` when it is set, rather than quietly opening one connection per tab.
   * @default false
   */
  shareAcrossTabs?: boolean;
  /** Log sink. @default silent */
  logger?: Logger;
}

/** Details of a gap: events were missed and cannot be replayed, so the app should refetch. */
export interface GapInfo {
  readonly channel: string;
  /** The last position the client held before the gap. */
  readonly last: Position | null;
  /** The channel's epoch now. */
  readonly epoch: string;
  /** The channel's last seq now; delivery continues after it. */
  readonly lastSeq: number;
}

/** Details of an accepted subscription. */
export interface SubscribedInfo {
  readonly channel: string;
  readonly epoch: string;
  readonly lastSeq: number;
  readonly recovered: boolean;
  /** True when a `snapshot` follows: the subscription asked for one and the hub is not resuming it. */
  readonly snapshot?: boolean;
}

/** Handlers and options of {@link HeraldClient.subscribe}. */
export interface SubscribeOptions<T = JsonValue> {
  /** Called once per event, in seq order, never twice for one seq. */
  onEvent?: (event: Envelope<T>) => void;
  /** Resume point; ignored when the channel is already subscribed by this client. @default from now */
  since?: SincePosition;
  /** Called once per gap (history could not be replayed). */
  onGap?: (gap: GapInfo) => void;
  /** Called when the hub accepts the subscription (after each reconnect too). */
  onSubscribed?: (info: SubscribedInfo) => void;
  /** Called when the hub refuses the subscription. */
  onError?: (error: HeraldError) => void;
  /**
   * Ask for the channel's state instead of its history (PROTOCOL.md, "Channel state"): the hub sends the
   * state at seq S, then exactly the events after S. A reconnect resumes from the last position, and a
   * fresh snapshot comes only when the hub cannot resume (then `onSnapshot` runs again instead of
   * `onGap`). A channel subscribed while any of its subscribers asks for state subscribes with it.
   * A subscriber that joins a channel this client already subscribed gets no snapshot over the socket
   * (the channel's events continue); {@link HeraldClient.fetchState} gets one.
   * @default false
   */
  snapshot?: boolean;
  /** Called with each snapshot of the channel's state (only when `snapshot` is set). */
  onSnapshot?: (snapshot: StateBody) => void;
}

/** A handle on one subscriber of a channel. */
export interface Subscription {
  readonly channel: string;
  /** The last position delivered on this channel, or null before the first `subscribed`. */
  position(): Position | null;
  /** Stops this subscriber; the server subscription ends with the channel's last subscriber. Idempotent. */
  unsubscribe(): void;
}

/** The hub's acknowledgement of a publish. */
export interface PublishAck {
  readonly channel: string;
  readonly id: string;
  readonly seq: number;
  /** True when the id had been stored before (a retried publish). */
  readonly duplicate: boolean;
}

/** What happened to an outbox message (also for messages restored from storage, whose promise is gone). */
export interface OutboxEvent {
  readonly id: string;
  readonly channel: string;
  readonly status: 'queued' | 'acked' | 'dropped';
  readonly ack?: PublishAck;
  readonly error?: HeraldError;
}

/** Events of {@link HeraldClient.on}. */
export interface ClientEventMap {
  /** Every state change, with the close code and reason that caused it when there is one. */
  state: { oldState: ConnectionState; newState: ConnectionState; code?: number; reason?: string };
  /** A new {@link ConnectionStatus} snapshot. */
  status: ConnectionStatus;
  /** A failure the app did not ask about through a promise or `onError` (fatal closes, hub errors). */
  error: HeraldError;
  /** A channel lost events that cannot be replayed; refetch its state. */
  gap: GapInfo;
  /** The connection is up (after `welcome`). */
  connected: { transport: TransportName };
  /** The connection that was up is gone. */
  disconnected: { code: number; reason: string };
  /** An outbox message was queued, acknowledged or dropped. */
  outbox: OutboxEvent;
}

/** Counters since the client was created. */
export interface ClientStats {
  /** Frames received. */
  messagesIn: number;
  /** Frames sent. */
  messagesOut: number;
  /** Events handed to subscribers (once per event, however many subscribers). */
  eventsDelivered: number;
  /** Connections established after the first one. */
  reconnects: number;
  /** Subscriptions resumed from a position with nothing missing. */
  resumes: number;
  /** Gaps raised (history could not be replayed). */
  gaps: number;
  /** Characters received (WebSocket text frames). */
  bytesIn: number;
  /** Characters sent. */
  bytesOut: number;
  /** Publishes waiting for an ack now. */
  outboxDepth: number;
  /** Events dropped because their seq was already delivered. */
  duplicatesDropped: number;
  /** Channels subscribed now. */
  subscriptions: number;
  /**
   * Backlog still to deliver, summed over subscribed channels: events up to the `lastSeq` the hub reported
   * when each channel was last (re)subscribed (on joining from `since`, and after every reconnect) that
   * have not reached `onEvent` yet. It counts down to 0 as replay catches up; events published after the
   * subscribe answer are not counted (with polling, {@link ClientStats.catchUpPolls} shows those).
   */
  eventsBehind: number;
  /**
   * Polls the polling transport sent at once instead of after `pollIntervalMs`, because the hub's page
   * ended before its `last_seq`: the client was behind. About one per 1,000 events caught up on a channel
   * (the hub's largest page); flat while the client keeps up. Always 0 over WebSocket, where the hub
   * replays without being asked.
   */
  catchUpPolls: number;
}

/** The framework-agnostic Herald client. */
export interface HeraldClient {
  /** The current connection state. */
  readonly state: ConnectionState;
  /** Status snapshot with stable identity between changes (fits `useSyncExternalStore`). */
  getStatus(): ConnectionStatus;
  /** Starts connecting. Idempotent. */
  connect(): void;
  /** Retries now, skipping any backoff wait (also leaves `failed`). */
  reconnect(): void;
  /** Subscribes to a channel; several subscribers of one channel share one hub subscription. */
  subscribe<T = JsonValue>(channel: string, handlers: SubscribeOptions<T>): Subscription;
  /** Publishes one event; settles with the hub's ack. Queued while offline. */
  publish<T = JsonValue>(
    channel: string,
    type: string,
    data: T,
    options?: { id?: string },
  ): Promise<PublishAck>;
  /**
   * The channel's state now, over HTTP (`GET /v1/channels/{channel}/state`, with the connection's token).
   * Rejects with the hub's error code, or `ERR_CONNECTION_LOST` when the hub cannot be reached.
   */
  fetchState(channel: string): Promise<StateBody>;
  /** Listens to a client event; returns an unsubscribe. */
  on<K extends keyof ClientEventMap>(event: K, listener: (payload: ClientEventMap[K]) => void): () => void;
  /** Counters since the client was created. */
  stats(): ClientStats;
  /** Closes for good: socket, timers and listeners. Pending publishes reject with ERR_CLIENT_CLOSED (persisted ones stay stored). */
  close(): void;
}

/** Callbacks a transport reports to. */
export interface TransportHandlers {
  open(): void;
  message(message: ServerMessage, bytes: number): void;
  close(code: number, reason: string): void;
}

/** A live connection to the hub speaking `herald.v1` messages. */
export interface Transport {
  readonly name: TransportName;
  /** Sends a message; returns the bytes written. */
  send(message: ClientMessage): number;
  /** Closes without reporting back. */
  close(code?: number, reason?: string): void;
}
