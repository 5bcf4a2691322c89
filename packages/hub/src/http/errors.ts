import {
  ErrorCode,
  type ErrorResponseBody,
  HeraldError,
  httpStatus,
  isRetryableError,
} from '@herald/protocol';
import { RateLimitedError } from '../limits/publish-limiter.js';

/** An HTTP error answer: `{error:{code,message,retryable}}` with the code's status from the protocol's table. */
export function errorResponse(code: ErrorCode, message: string, headers?: Record<string, string>): Response {
  const body: ErrorResponseBody = { error: { code, message, retryable: isRetryableError(code) } };
  return new Response(JSON.stringify(body), {
    status: httpStatus(code),
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** Extra headers an error answer carries: a Bearer challenge for credential errors, `Retry-After` for 429. */
function errorHeaders(err: HeraldError): Record<string, string> {
  if (err.code === ErrorCode.Unauthorized || err.code === ErrorCode.TokenExpired)
    return { 'www-authenticate': 'Bearer' };
  if (err instanceof RateLimitedError)
    return { 'retry-after': String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))) };
  return {};
}

/** Maps anything thrown by a route to an error answer; unexpected errors become `ERR_INTERNAL` (500). */
export function toErrorResponse(err: unknown, onUnexpected: (err: unknown) => void): Response {
  if (err instanceof HeraldError) return errorResponse(err.code, err.message, errorHeaders(err));
  onUnexpected(err);
  return errorResponse(ErrorCode.Internal, 'internal error');
}
