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

/**
 * The one table of error codes: each code's HTTP status (400 when not given), whether a retry can succeed
 * (no when not given) and the close code of a connection it ends. A code's wire string is its name in
 * upper snake case after `ERR_` (`BadJson` is `ERR_BAD_JSON`; see {@link WireCode}), so the client bundle
 * carries each name once. {@link ErrorCode},
 * {@link ERROR_TABLE} and the functions below are read from it; PROTOCOL.md ("Error codes") documents the
 * same rows. Codes are never renamed or reused.
 */
const ERRORS = {
  /** The frame or body is not valid JSON. */
  BadJson: {},
  /** The JSON is valid but the message does not have the required shape. */
  BadMessage: {},
  /** The message `type` is not one this protocol version knows. */
  UnknownType: {},
  /** The frame is larger than the hub's frame limit. */
  FrameTooLarge: {},
  /** The channel name is empty, too long or has characters outside `A-Za-z0-9:_-.`. */
  BadChannel: {},
  /** The `since` position or `after`/`limit` query is malformed. */
  BadPosition: {},
  /** An unsubscribe named a channel this connection is not subscribed to. */
  NotSubscribed: {},
  /** A subscribe named a channel this connection is already subscribed to. */
  AlreadySubscribed: {},
  /** The connection already holds the maximum number of channels. */
  TooManyChannels: {},
  /** The publish rate limit was exceeded; retry later. */
  RateLimited: { status: 429, retryable: true },
  /** A message other than `hello` arrived before the handshake finished. */
  HelloRequired: { close: CloseCode.ProtocolError },
  /**
   * The token or API key is missing, malformed or has a bad signature, or the token's `aud` or `iss` is not
   * one the hub accepts (`auth.audience`, `auth.issuer`; the message says which).
   */
  Unauthorized: { status: 401, close: CloseCode.Unauthorized },
  /** The token has expired; fetch a new one. */
  TokenExpired: { status: 401, retryable: true, close: CloseCode.TokenExpired },
  /** The credentials are valid but do not allow this channel or action. */
  Forbidden: { status: 403, close: CloseCode.Forbidden },
  /** HTTP: the request's `Origin` is not in the hub's allow-list (WebSocket upgrade or `/v1/*` request). */
  OriginNotAllowed: { status: 403 },
  /** The client speaks a protocol version the hub does not. */
  ProtocolVersion: { close: CloseCode.UnsupportedProtocol },
  /** No `hello` arrived within the handshake timeout. */
  HandshakeTimeout: { retryable: true, close: CloseCode.HandshakeTimeout },
  /** The connection's send buffer overflowed; reconnect and resume. */
  SlowConsumer: { retryable: true, close: CloseCode.SlowConsumer },
  /** No pong arrived in time; the peer is considered dead. */
  PingTimeout: { retryable: true, close: CloseCode.PingTimeout },
  /** The hub is shutting down or draining; reconnect (possibly elsewhere). */
  ShuttingDown: { status: 503, retryable: true, close: CloseCode.ServiceRestart },
  /** An unexpected failure inside the hub. Safe to retry. */
  Internal: { status: 500, retryable: true },
  /** HTTP: no such route. */
  NotFound: { status: 404 },
  /** HTTP: the route exists but not for this method. */
  MethodNotAllowed: { status: 405 },
  /** HTTP: the request body exceeds the body limit. */
  PayloadTooLarge: { status: 413 },
  /**
   * An event is larger, as an envelope, than the hub's event limit (`maxEventBytes`), which keeps every
   * event small enough for every subscriber's send buffer: the publish is refused and nothing is stored.
   */
  EventTooLarge: { status: 413 },
  /** HTTP: the request body is not `application/json`. */
  UnsupportedMediaType: { status: 415 },
  /** HTTP: a batch publish has more events than allowed. */
  BatchTooLarge: {},
  /** The frame or body nests arrays and objects deeper than `MAX_JSON_DEPTH` (64) levels. */
  TooDeep: {},
  /** HTTP: the request body is not valid UTF-8. */
  BadEncoding: {},
  /** HTTP: the request's headers or body did not arrive within the hub's timeouts. */
  RequestTimeout: { status: 408, retryable: true },
  /** Client side: the operation timed out waiting for the hub. */
  Timeout: { retryable: true },
  /** Client side: the client was closed before the operation finished. */
  ClientClosed: {},
  /** A state operation is malformed: unknown op, a path that is not a JSON Pointer, a missing value. */
  BadStateOp: {},
  /** A state operation does not fit the document: no value to remove, a non-string append to a string. */
  StateConflict: { status: 409 },
  /** A `test` state operation did not match; nothing was stored. */
  StateTestFailed: { status: 409 },
  /** The channel's state document would exceed the hub's state size limit. */
  StateTooLarge: { status: 413 },
  /** The hub's store does not keep channel state (NATS JetStream). */
  StateUnsupported: { status: 501 },
  /** Client side: the connection dropped or could not be opened; the client retries. */
  ConnectionLost: { retryable: true },
  /** Client side: the outbox is full and its overflow policy rejected the message. */
  OutboxFull: {},
  /** Client side: a queued message outlived its time-to-live or its retries. */
  OutboxExpired: {},
} as const satisfies Record<string, ErrorRow>;

/**
 * Stable error codes carried by `error` messages and HTTP error bodies, by name: `ErrorCode.BadJson` is
 * `'ERR_BAD_JSON'`. Every code is documented in PROTOCOL.md.
 */
export const ErrorCode = {} as { readonly [K in keyof typeof ERRORS]: WireCode<K> };

/** Upper snake case of a PascalCase name, each word led by `_`: `BadJson` is `_BAD_JSON`. */
type Snake<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? Uppercase<H> : `_${H}`}${Snake<T>}`
  : '';

/** The wire string of the error code named `Name` in {@link ErrorCode}: `WireCode<'BadJson'>` is `'ERR_BAD_JSON'`. */
export type WireCode<Name extends string> = `ERR${Snake<Name>}`;

/** One of the stable error codes in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A row of the table: what a code means, without its wire string (which its name gives). */
type ErrorRow = Omit<ErrorCodeInfo, 'code'>;

/** What an error code means for a caller: one row of {@link ERROR_TABLE}. */
export interface ErrorCodeInfo {
  /** The code as it appears on the wire. */
  readonly code: `ERR_${string}`;
  /** The HTTP status of an HTTP answer with this code. @default 400 (also for codes HTTP never answers) */
  readonly status?: number;
  /** Present when repeating the same request (later, or with a new token) can succeed. */
  readonly retryable?: true;
  /** The WebSocket close code for a connection this error ends, when it ends one. */
  readonly close?: CloseCode;
}

/** Each error code's row, by its wire string. */
export const ERROR_TABLE = {} as { readonly [C in ErrorCode]: ErrorCodeInfo };

for (const [name, row] of Object.entries(ERRORS) as [string, ErrorRow][]) {
  const code = `ERR${name.replace(/[A-Z]/g, '_$&').toUpperCase()}` as ErrorCodeInfo['code'];
  (ErrorCode as Record<string, string>)[name] = code;
  (ERROR_TABLE as Record<string, ErrorCodeInfo>)[code] = { code, ...row };
}

const row = (code: string): ErrorCodeInfo | undefined =>
  Object.hasOwn(ERROR_TABLE, code) ? ERROR_TABLE[code as ErrorCode] : undefined;

/** Whether a request that failed with `code` may succeed if repeated. Unknown codes are not retryable. */
export function isRetryableError(code: string): boolean {
  return row(code)?.retryable === true;
}

/** The documented HTTP status of an error code (400 for codes without one). */
export function httpStatus(code: ErrorCode): number {
  return ERROR_TABLE[code].status ?? 400;
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
