import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CloseCode,
  closeAction,
  closeCodeFor,
  closeError,
  ERROR_TABLE,
  ErrorCode,
  HeraldError,
  httpStatus,
  isRetryableError,
} from '../src/index.js';

describe('the error code table', () => {
  it('has exactly one row per error code', () => {
    expect(Object.keys(ERROR_TABLE).sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it('keeps every wire string it ever had, derived from the names, and PROTOCOL.md documents each', () => {
    // Codes are never renamed: this list is the wire contract (the table now derives the strings from
    // the names, so a renamed entry would change a code silently without it).
    const wire = [
      ...['ALREADY_SUBSCRIBED', 'BAD_CHANNEL', 'BAD_ENCODING', 'BAD_JSON', 'BAD_MESSAGE', 'BAD_POSITION'],
      ...['BAD_STATE_OP', 'BATCH_TOO_LARGE', 'CLIENT_CLOSED', 'CONNECTION_LOST', 'EVENT_TOO_LARGE'],
      ...['FORBIDDEN', 'FRAME_TOO_LARGE', 'HANDSHAKE_TIMEOUT', 'HELLO_REQUIRED', 'INTERNAL'],
      ...['METHOD_NOT_ALLOWED', 'NOT_FOUND', 'NOT_SUBSCRIBED', 'ORIGIN_NOT_ALLOWED', 'OUTBOX_EXPIRED'],
      ...['OUTBOX_FULL', 'PAYLOAD_TOO_LARGE', 'PING_TIMEOUT', 'PROTOCOL_VERSION', 'RATE_LIMITED'],
      ...['REQUEST_TIMEOUT', 'SHUTTING_DOWN', 'SLOW_CONSUMER', 'STATE_CONFLICT', 'STATE_TEST_FAILED'],
      ...['STATE_TOO_LARGE', 'STATE_UNSUPPORTED', 'TIMEOUT', 'TOKEN_EXPIRED', 'TOO_DEEP'],
      ...['TOO_MANY_CHANNELS', 'UNAUTHORIZED', 'UNKNOWN_TYPE', 'UNSUPPORTED_MEDIA_TYPE'],
    ].map((name) => `ERR_${name}`);
    expect(Object.values(ErrorCode).filter((code) => !wire.includes(code))).toEqual([]);
    expect(wire.filter((code) => !Object.hasOwn(ERROR_TABLE, code))).toEqual([]);
    for (const [code, row] of Object.entries(ERROR_TABLE)) expect(row.code).toBe(code);
    const protocol = readFileSync(new URL('../../../PROTOCOL.md', import.meta.url), 'utf8');
    const table = protocol.slice(protocol.indexOf('## Error codes'));
    expect(wire.filter((code) => !table.includes(`\`${code}\``))).toEqual([]);
    expectTypeOf(ErrorCode.BadJson).toEqualTypeOf<'ERR_BAD_JSON'>();
    expectTypeOf(ErrorCode.UnsupportedMediaType).toEqualTypeOf<'ERR_UNSUPPORTED_MEDIA_TYPE'>();
  });

  it('gives the documented HTTP status, 400 where HTTP never answers the code', () => {
    expect(httpStatus(ErrorCode.RateLimited)).toBe(429);
    expect(httpStatus(ErrorCode.TokenExpired)).toBe(401);
    expect(httpStatus(ErrorCode.Forbidden)).toBe(403);
    expect(httpStatus(ErrorCode.ShuttingDown)).toBe(503);
    expect(httpStatus(ErrorCode.Internal)).toBe(500);
    expect(httpStatus(ErrorCode.PayloadTooLarge)).toBe(413);
    expect(httpStatus(ErrorCode.BadChannel)).toBe(400);
    expect(httpStatus(ErrorCode.Timeout)).toBe(400);
    expect(httpStatus(ErrorCode.TooDeep)).toBe(400);
    expect(httpStatus(ErrorCode.BadEncoding)).toBe(400);
    expect(httpStatus(ErrorCode.RequestTimeout)).toBe(408);
  });

  it('says which codes are worth retrying, and refuses unknown codes', () => {
    const retryable = Object.values(ErrorCode).filter(isRetryableError).sort();
    expect(retryable).toEqual(
      [
        ErrorCode.RateLimited,
        ErrorCode.TokenExpired,
        ErrorCode.SlowConsumer,
        ErrorCode.PingTimeout,
        ErrorCode.ShuttingDown,
        ErrorCode.Internal,
        ErrorCode.HandshakeTimeout,
        ErrorCode.Timeout,
        ErrorCode.ConnectionLost,
        ErrorCode.RequestTimeout,
      ].sort(),
    );
    expect(isRetryableError('ERR_NOPE')).toBe(false);
    expect(isRetryableError('toString')).toBe(false);
    expect(new HeraldError(ErrorCode.RateLimited, 'x').retryable).toBe(true);
  });

  it('maps errors that end a connection to their close code, and back', () => {
    const pairs: [ErrorCode, CloseCode][] = [
      [ErrorCode.HelloRequired, CloseCode.ProtocolError],
      [ErrorCode.Unauthorized, CloseCode.Unauthorized],
      [ErrorCode.TokenExpired, CloseCode.TokenExpired],
      [ErrorCode.Forbidden, CloseCode.Forbidden],
      [ErrorCode.ProtocolVersion, CloseCode.UnsupportedProtocol],
      [ErrorCode.HandshakeTimeout, CloseCode.HandshakeTimeout],
      [ErrorCode.SlowConsumer, CloseCode.SlowConsumer],
      [ErrorCode.PingTimeout, CloseCode.PingTimeout],
      [ErrorCode.ShuttingDown, CloseCode.ServiceRestart],
    ];
    for (const [error, close] of pairs) {
      expect(closeCodeFor(error)).toBe(close);
      expect(closeError(close)).toBe(error);
    }
    expect(closeCodeFor(ErrorCode.Internal)).toBe(CloseCode.InternalError);
    expect(closeCodeFor(ErrorCode.BadJson)).toBe(CloseCode.InternalError);
    for (const close of [1000, 1001, 1006, 1009, 1011, 4029, 4999]) {
      expect(closeError(close)).toBe(ErrorCode.ConnectionLost);
    }
  });

  it('classifies closes: auth closes refresh the token, protocol refusals are fatal', () => {
    expect(closeAction(CloseCode.Normal)).toBe('stop');
    expect(closeAction(CloseCode.Unauthorized)).toBe('refresh-token');
    expect(closeAction(CloseCode.TokenExpired)).toBe('refresh-token');
    expect(closeAction(CloseCode.Forbidden)).toBe('fatal');
    expect(closeAction(CloseCode.UnsupportedProtocol)).toBe('fatal');
    expect(closeAction(CloseCode.ProtocolError)).toBe('fatal');
    expect(closeAction(CloseCode.Abnormal)).toBe('retry');
    expect(closeAction(CloseCode.ServiceRestart)).toBe('retry');
  });
});
