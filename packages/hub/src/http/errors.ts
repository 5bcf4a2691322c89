import {
  ErrorCode,
  type ErrorResponseBody,
  HeraldError,
  httpStatus,
  isRetryableError,
} from '@herald/protocol';
import { RateLimitedError } from '../limits/publish-limiter.js';

/** An error answer before it is written: status, headers and JSON text. Both HTTP layers send these. */
export interface ErrorAnswer {
  /** The error's code, as in the body (counted in `herald_errors_total`). */
  readonly code: ErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Headers of every JSON answer. */
export const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
});

/** `{error:{code,message,retryable}}` with the code's status from the protocol's table. */
export function errorAnswer(code: ErrorCode, message: string, headers?: Record<string, string>): ErrorAnswer {
  const body: ErrorResponseBody = { error: { code, message, retryable: isRetryableError(code) } };
  return {
    code,
    status: httpStatus(code),
    headers: { ...JSON_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
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
export function toErrorAnswer(err: unknown, onUnexpected: (err: unknown) => void): ErrorAnswer {
  if (err instanceof HeraldError) return errorAnswer(err.code, err.message, errorHeaders(err));
  onUnexpected(err);
  return errorAnswer(ErrorCode.Internal, 'internal error');
}

/** An error answer as a web `Response` (the Hono routes). */
export function answerResponse(answer: ErrorAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/** {@link errorAnswer} as a web `Response` (the Hono routes). */
export function errorResponse(code: ErrorCode, message: string, headers?: Record<string, string>): Response {
  return answerResponse(errorAnswer(code, message, headers));
}
