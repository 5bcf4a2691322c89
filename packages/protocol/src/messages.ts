import type { ErrorCode } from './codes.js';
import type { Envelope, JsonValue, PublishInput, SincePosition } from './envelope.js';
import type { PublishResult } from './http.js';

// ---- client → hub -------------------------------------------------------------------------------

/** First message on every connection: authenticates and negotiates. */
export interface HelloMessage {
  readonly type: 'hello';
  /** Connection token (JWT). Omit on an open dev hub. */
  readonly token?: string;
  /** Free-form client name and version, for logs, such as `@herald/client@0.1.0`. */
  readonly client?: string;
  /** Correlation id for logs; echoed in `welcome`. */
  readonly requestId?: string;
}

/** Start receiving a channel's events, replaying from `since` when given. */
export interface SubscribeMessage {
  readonly type: 'subscribe';
  /** Request id, echoed in the reply. */
  readonly rid: string;
  readonly channel: string;
  /** Resume point: the last event the client has. Omit to receive only new events. */
  readonly since?: SincePosition;
  /**
   * Ask for the channel's state instead of its history: after `subscribed` the hub sends a `snapshot` (the
   * state at seq S), then exactly the events after S. With `since` as well, the hub resumes from `since`
   * when it can (no snapshot) and sends a snapshot when it cannot, instead of reporting a gap.
   */
  readonly snapshot?: boolean;
}

/** Stop receiving a channel's events. */
export interface UnsubscribeMessage {
  readonly type: 'unsubscribe';
  readonly rid: string;
  readonly channel: string;
}

/** Publish one event; answered by `ack` or `error` with the same `rid`. */
export interface PublishMessage {
  readonly type: 'publish';
  readonly rid: string;
  readonly channel: string;
  readonly event: PublishInput;
}

/** Replace the connection's token without reconnecting. */
export interface RefreshMessage {
  readonly type: 'refresh';
  readonly rid: string;
  readonly token: string;
}

/** Heartbeat. Either side may send `ping`; the other answers `pong` with the same `ts`. */
export interface PingMessage {
  readonly type: 'ping';
  readonly ts?: number;
}

/** Heartbeat answer. */
export interface PongMessage {
  readonly type: 'pong';
  readonly ts?: number;
}

/** Every message a client may send. */
export type ClientMessage =
  | HelloMessage
  | SubscribeMessage
  | UnsubscribeMessage
  | PublishMessage
  | RefreshMessage
  | PingMessage
  | PongMessage;

// ---- hub → client -------------------------------------------------------------------------------

/** Handshake accepted. */
export interface WelcomeMessage {
  readonly type: 'welcome';
  /** Hub-assigned connection id. */
  readonly connectionId: string;
  /** The hub pings every `heartbeatMs`; a client that sees no ping for about twice that should reconnect. */
  readonly heartbeatMs: number;
  /** Largest frame the hub accepts, in bytes. */
  readonly maxFrameBytes: number;
  /** Token expiry (ms since epoch), or null when the connection has no expiring token. */
  readonly tokenExpiresAt: number | null;
  /** Echo of `hello.requestId`, if one was sent. */
  readonly requestId?: string;
}

/**
 * Subscription accepted. Replayed events (if any) follow in `events` frames, then live ones. When
 * `recovered` is false the requested position could not be resumed (too old, or a different epoch):
 * nothing is replayed, live events start after `lastSeq`, and the client must refetch state.
 */
export interface SubscribedMessage {
  readonly type: 'subscribed';
  readonly rid: string;
  readonly channel: string;
  readonly epoch: string;
  /** The channel's last seq at the moment of subscribing (0 for an empty channel). */
  readonly lastSeq: number;
  /** Whether the `since` position was resumed with nothing missing. True when no `since` was sent. */
  readonly recovered: boolean;
}

/**
 * The channel's state document at `seq` (PROTOCOL.md, "Channel state"). Sent after `subscribed` to a
 * subscription that asked for a snapshot, before any of its events; the events that follow have
 * `seq > this.seq` and carry the operations that update it.
 */
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly channel: string;
  readonly epoch: string;
  /** The last event folded into `state` (0 when none). */
  readonly seq: number;
  readonly state: JsonValue;
}

/** Unsubscribe accepted. */
export interface UnsubscribedMessage {
  readonly type: 'unsubscribed';
  readonly rid: string;
  readonly channel: string;
}

/** One or more events, in seq order per channel. A frame may carry events of several channels. */
export interface EventsMessage {
  readonly type: 'events';
  readonly events: readonly Envelope[];
}

/** Publish accepted and stored. `duplicate` is true when the id had been stored before. */
export interface AckMessage extends PublishResult {
  readonly type: 'ack';
  readonly rid: string;
  readonly channel: string;
}

/** The token expires soon: send `refresh` with a new one before `expiresAt`. */
export interface RefreshRequiredMessage {
  readonly type: 'refresh_required';
  readonly expiresAt: number;
}

/** Token replaced. */
export interface RefreshedMessage {
  readonly type: 'refreshed';
  readonly rid: string;
  readonly tokenExpiresAt: number | null;
}

/** The hub is going away: reconnect (possibly to another node) after about `retryAfterMs`. */
export interface DrainMessage {
  readonly type: 'drain';
  readonly reason: string;
  readonly retryAfterMs: number;
}

/** A request failed, or the hub reports a problem. `rid` is set when it answers a request. */
export interface ErrorMessage {
  readonly type: 'error';
  readonly rid?: string;
  readonly code: ErrorCode;
  readonly message: string;
  readonly retryable: boolean;
}

/** Every message the hub may send. */
export type ServerMessage =
  | WelcomeMessage
  | SubscribedMessage
  | SnapshotMessage
  | UnsubscribedMessage
  | EventsMessage
  | AckMessage
  | RefreshRequiredMessage
  | RefreshedMessage
  | DrainMessage
  | ErrorMessage
  | PingMessage
  | PongMessage;
