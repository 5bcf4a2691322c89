import { ERROR_TABLE, type ErrorBody, ErrorCode, type ErrorResponseBody } from '@herald/protocol';

// How the client reads a hub's HTTP error answer (`{error: {code, message, retryable}}`). Imported only by
// the HTTP transports' chunks (SSE, polling) and the jobs entry, never by the core, so the core's budget
// does not pay for it.

/** An HTTP answer's body as JSON, or null when it is none (a proxy's page, an empty answer). */
export const readJson = (res: Response): Promise<unknown> => res.json().catch(() => null);

/** The `error` of a hub's error answer, as the body holds it; undefined when the body holds none. */
export const hubError = (body: unknown): ErrorBody | undefined =>
  (body as Partial<ErrorResponseBody> | null)?.error;

/** The error's code when it is one of the code table's, else `ERR_INTERNAL` (no Herald error, or a newer code). */
export const knownCode = (error: ErrorBody | undefined): ErrorCode =>
  error && Object.hasOwn(ERROR_TABLE, error.code) ? error.code : ErrorCode.Internal;

/** Whether an HTTP status alone says a retry may pass: 429 (rate limited) and every 5xx. */
export const retryableStatus = (status: number): boolean => status > 499 || status === 429;
