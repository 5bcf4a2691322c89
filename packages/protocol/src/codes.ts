/**
 * Stable error codes carried by `error` messages and HTTP error bodies. Every code is documented in
 * PROTOCOL.md; codes are never renamed or reused.
 */
export const ErrorCode = {
  /** The frame or body is not valid JSON. */
  BadJson: 'ERR_BAD_JSON',
  /** The JSON is valid but the message does not have the required shape. */
  BadMessage: 'ERR_BAD_MESSAGE',
  /** The message `type` is not one this protocol version knows. */
  UnknownType: 'ERR_UNKNOWN_TYPE',
  /** The frame is larger than the hub's frame limit. */
  FrameTooLarge: 'ERR_FRAME_TOO_LARGE',
  /** The channel name is empty, too long or has characters outside `A-Za-z0-9:_-.`. */
  BadChannel: 'ERR_BAD_CHANNEL',
  /** The `since` position or `after`/`limit` query is malformed. */
  BadPosition: 'ERR_BAD_POSITION',
  /** An unsubscribe named a channel this connection is not subscribed to. */
  NotSubscribed: 'ERR_NOT_SUBSCRIBED',
  /** A subscribe named a channel this connection is already subscribed to. */
  AlreadySubscribed: 'ERR_ALREADY_SUBSCRIBED',
  /** The connection already holds the maximum number of channels. */
  TooManyChannels: 'ERR_TOO_MANY_CHANNELS',
  /** The publish rate limit was exceeded; retry later. */
  RateLimited: 'ERR_RATE_LIMITED',
  /** A message other than `hello` arrived before the handshake finished. */
  HelloRequired: 'ERR_HELLO_REQUIRED',
  /** The token or API key is missing, malformed or has a bad signature. */
  Unauthorized: 'ERR_UNAUTHORIZED',
  /** The token has expired; fetch a new one. */
  TokenExpired: 'ERR_TOKEN_EXPIRED',
  /** The credentials are valid but do not allow this channel or action. */
  Forbidden: 'ERR_FORBIDDEN',
  /** The client speaks a protocol version the hub does not. */
  ProtocolVersion: 'ERR_PROTOCOL_VERSION',
  /** No `hello` arrived within the handshake timeout. */
  HandshakeTimeout: 'ERR_HANDSHAKE_TIMEOUT',
  /** The connection's send buffer overflowed; reconnect and resume. */
  SlowConsumer: 'ERR_SLOW_CONSUMER',
  /** No pong arrived in time; the peer is considered dead. */
  PingTimeout: 'ERR_PING_TIMEOUT',
  /** The hub is shutting down or draining; reconnect (possibly elsewhere). */
  ShuttingDown: 'ERR_SHUTTING_DOWN',
  /** An unexpected failure inside the hub. Safe to retry. */
  Internal: 'ERR_INTERNAL',
  /** HTTP: no such route. */
  NotFound: 'ERR_NOT_FOUND',
  /** HTTP: the route exists but not for this method. */
  MethodNotAllowed: 'ERR_METHOD_NOT_ALLOWED',
  /** HTTP: the request body exceeds the body limit. */
  PayloadTooLarge: 'ERR_PAYLOAD_TOO_LARGE',
  /** HTTP: the request body is not `application/json`. */
  UnsupportedMediaType: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  /** HTTP: a batch publish has more events than allowed. */
  BatchTooLarge: 'ERR_BATCH_TOO_LARGE',
  /** Client side: the operation timed out waiting for the hub. */
  Timeout: 'ERR_TIMEOUT',
  /** Client side: the client was closed before the operation finished. */
  ClientClosed: 'ERR_CLIENT_CLOSED',
  /** Client side: the connection dropped or could not be opened; the client retries. */
  ConnectionLost: 'ERR_CONNECTION_LOST',
  /** Client side: the outbox is full and its overflow policy rejected the message. */
  OutboxFull: 'ERR_OUTBOX_FULL',
  /** Client side: a queued message outlived its time-to-live or its retries. */
  OutboxExpired: 'ERR_OUTBOX_EXPIRED',
} as const;

/** One of the stable error codes in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Errors after which repeating the same request (later) can succeed. */
const RETRYABLE_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.RateLimited,
  ErrorCode.TokenExpired,
  ErrorCode.SlowConsumer,
  ErrorCode.PingTimeout,
  ErrorCode.ShuttingDown,
  ErrorCode.Internal,
  ErrorCode.HandshakeTimeout,
  ErrorCode.Timeout,
  ErrorCode.ConnectionLost,
]);

/** Whether a request that failed with `code` may succeed if repeated. */
export function isRetryableError(code: string): boolean {
  return RETRYABLE_ERRORS.has(code as ErrorCode);
}

/**
 * WebSocket close codes the hub uses. 1000–1015 are the RFC 6455 codes; 4000–4999 are Herald's.
 */
export const CloseCode = {
  /** Normal closure (client closed, or idle close after the last unsubscribe). */
  Normal: 1000,
  /** The endpoint is going away (browser navigation, process exit). */
  GoingAway: 1001,
  /** A frame exceeded the hub's hard frame cap; the socket cannot continue. */
  MessageTooBig: 1009,
  /** Unexpected hub failure. */
  InternalError: 1011,
  /** The hub is restarting or draining; reconnect, possibly to another node. */
  ServiceRestart: 1012,
  /** No pong (hub side) or ping (client side) within the heartbeat window. */
  PingTimeout: 4001,
  /** The peer broke the protocol (for example, sent a message before `hello`). */
  ProtocolError: 4002,
  /** No `hello` within the handshake timeout. */
  HandshakeTimeout: 4003,
  /** The client did not offer the `herald.v1` subprotocol. */
  UnsupportedProtocol: 4006,
  /** The connection's send buffer overflowed. Reconnect and resume from the last position. */
  SlowConsumer: 4008,
  /** Too many invalid frames in a short time. */
  TooManyErrors: 4029,
  /** Bad or missing token. Retry only if a fresh token can be fetched. */
  Unauthorized: 4401,
  /** Credentials do not allow this connection. */
  Forbidden: 4403,
  /** The token expired and was not refreshed in time. Fetch a new token and reconnect. */
  TokenExpired: 4409,
} as const;

/** One of the close codes in {@link CloseCode}. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** What a client should do after a close code. */
export type CloseAction = 'retry' | 'refresh-token' | 'fatal' | 'stop';

/**
 * The reconnect classifier: the single place that says which closes are fatal and which are retryable.
 * Unknown codes (including 1006 abnormal closure) are retried.
 */
export function closeAction(code: number): CloseAction {
  switch (code) {
    case CloseCode.Normal:
      return 'stop';
    case CloseCode.Unauthorized:
    case CloseCode.TokenExpired:
      return 'refresh-token';
    case CloseCode.Forbidden:
    case CloseCode.UnsupportedProtocol:
    case CloseCode.ProtocolError:
      return 'fatal';
    default:
      return 'retry';
  }
}

/** The WebSocket subprotocol for this version of the wire protocol. */
export const SUBPROTOCOL = 'herald.v1';
