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

/**
 * WebSocket close codes the hub uses. 1000–1015 are the RFC 6455 codes; 4000–4999 are Herald's.
 */
export const CloseCode = {
  /** Normal closure (client closed, or idle close after the last unsubscribe). */
  Normal: 1000,
  /** The endpoint is going away (browser navigation, process exit). */
  GoingAway: 1001,
  /**
   * Never sent: what a client reports locally for a connection that ended without a close frame (connect
   * timeout, network loss, a poll that failed or timed out).
   */
  Abnormal: 1006,
  /** A text frame was not valid UTF-8. */
  InvalidPayload: 1007,
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

/** What an error code means for a caller: one row of {@link ERROR_TABLE}. */
export interface ErrorCodeInfo {
  /** Whether repeating the same request (later, or with a new token) can succeed. */
  readonly retryable: boolean;
  /** The HTTP status of an HTTP answer with this code (400 for codes HTTP never answers). */
  readonly status: number;
  /** The WebSocket close code for a connection this error ends, when it ends one. */
  readonly close?: CloseCode;
}

const NO = { retryable: false, status: 400 } as const;

/**
 * The one table of error codes: retry, HTTP status and close code of each. PROTOCOL.md ("Error codes")
 * documents the same rows; the hub answers, and the client classifies, only from here.
 */
export const ERROR_TABLE: { readonly [C in ErrorCode]: ErrorCodeInfo } = {
  ERR_BAD_JSON: NO,
  ERR_BAD_MESSAGE: NO,
  ERR_UNKNOWN_TYPE: NO,
  ERR_FRAME_TOO_LARGE: NO,
  ERR_BAD_CHANNEL: NO,
  ERR_BAD_POSITION: NO,
  ERR_NOT_SUBSCRIBED: NO,
  ERR_ALREADY_SUBSCRIBED: NO,
  ERR_TOO_MANY_CHANNELS: NO,
  ERR_RATE_LIMITED: { retryable: true, status: 429 },
  ERR_HELLO_REQUIRED: { retryable: false, status: 400, close: CloseCode.ProtocolError },
  ERR_UNAUTHORIZED: { retryable: false, status: 401, close: CloseCode.Unauthorized },
  ERR_TOKEN_EXPIRED: { retryable: true, status: 401, close: CloseCode.TokenExpired },
  ERR_FORBIDDEN: { retryable: false, status: 403, close: CloseCode.Forbidden },
  ERR_PROTOCOL_VERSION: { retryable: false, status: 400, close: CloseCode.UnsupportedProtocol },
  ERR_HANDSHAKE_TIMEOUT: { retryable: true, status: 400, close: CloseCode.HandshakeTimeout },
  ERR_SLOW_CONSUMER: { retryable: true, status: 400, close: CloseCode.SlowConsumer },
  ERR_PING_TIMEOUT: { retryable: true, status: 400, close: CloseCode.PingTimeout },
  ERR_SHUTTING_DOWN: { retryable: true, status: 503, close: CloseCode.ServiceRestart },
  ERR_INTERNAL: { retryable: true, status: 500 },
  ERR_NOT_FOUND: { retryable: false, status: 404 },
  ERR_METHOD_NOT_ALLOWED: { retryable: false, status: 405 },
  ERR_PAYLOAD_TOO_LARGE: { retryable: false, status: 413 },
  ERR_UNSUPPORTED_MEDIA_TYPE: { retryable: false, status: 415 },
  ERR_BATCH_TOO_LARGE: NO,
  ERR_TIMEOUT: { retryable: true, status: 400 },
  ERR_CLIENT_CLOSED: NO,
  ERR_CONNECTION_LOST: { retryable: true, status: 400 },
  ERR_OUTBOX_FULL: NO,
  ERR_OUTBOX_EXPIRED: NO,
};

const row = (code: string): ErrorCodeInfo | undefined =>
  Object.hasOwn(ERROR_TABLE, code) ? ERROR_TABLE[code as ErrorCode] : undefined;

/** Whether a request that failed with `code` may succeed if repeated. Unknown codes are not retryable. */
export function isRetryableError(code: string): boolean {
  return row(code)?.retryable === true;
}

/** The documented HTTP status of an error code (400 for codes without one). */
export function httpStatus(code: ErrorCode): number {
  return ERROR_TABLE[code].status;
}

/** The close code for a connection that `code` ends (1011, internal error, for codes without their own). */
export function closeCodeFor(code: ErrorCode): CloseCode {
  return ERROR_TABLE[code].close ?? CloseCode.InternalError;
}

/**
 * The error code a client reports for a close code, so `status.lastError` says why the connection ended:
 * the code whose row closes with it, or `ERR_CONNECTION_LOST` for closes no error code owns.
 */
export function closeError(close: number): ErrorCode {
  for (const code in ERROR_TABLE)
    if (ERROR_TABLE[code as ErrorCode].close === close) return code as ErrorCode;
  return ErrorCode.ConnectionLost;
}

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
