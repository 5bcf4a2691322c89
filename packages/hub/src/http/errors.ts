import { ErrorCode, HeraldError, isRetryableError } from '@herald/protocol';

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.BadJson]: 400,
  [ErrorCode.BadMessage]: 400,
  [ErrorCode.BadChannel]: 400,
  [ErrorCode.BadPosition]: 400,
  [ErrorCode.BatchTooLarge]: 400,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.TokenExpired]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.MethodNotAllowed]: 405,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.Internal]: 500,
  [ErrorCode.ShuttingDown]: 503,
};

/** The documented HTTP status of an error code (400 for codes without one). */
export function httpStatus(code: ErrorCode): number {
  return STATUS[code] ?? 400;
}

/** An HTTP error answer: `{error:{code,message,retryable}}` with the documented status. */
export function errorResponse(code: ErrorCode, message: string, headers?: Record<string, string>): Response {
  const body = JSON.stringify({ error: { code, message, retryable: isRetryableError(code) } });
  return new Response(body, {
    status: httpStatus(code),
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** Maps anything thrown by a route to an error answer; unexpected errors become `ERR_INTERNAL` (500). */
export function toErrorResponse(err: unknown, onUnexpected: (err: unknown) => void): Response {
  if (err instanceof HeraldError) {
    const headers: Record<string, string> =
      err.code === ErrorCode.Unauthorized || err.code === ErrorCode.TokenExpired
        ? { 'www-authenticate': 'Bearer' }
        : {};
    return errorResponse(err.code, err.message, headers);
  }
  onUnexpected(err);
  return errorResponse(ErrorCode.Internal, 'internal error');
}
