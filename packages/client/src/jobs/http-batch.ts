import {
  ErrorCode,
  HeraldError,
  type PublishInput,
  type PublishResponseBody,
  type PublishResult,
} from '@herald/protocol';
import { hubError, readJson, retryableStatus } from '../hub-error.js';

/** How one batch is posted: where, with which credentials, and how long to wait. */
export interface BatchTarget {
  /** `…/v1/channels/{channel}/events` of the hub. */
  readonly url: string;
  /** The bearer token of this attempt, or undefined on an open dev hub. */
  readonly token: string | undefined;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  /** Aborts the request (the publisher was closed). */
  readonly signal: AbortSignal;
}

/** A refused batch: the hub's error, and the pause it asked for (`Retry-After`), if any. */
export class BatchError extends HeraldError {
  declare readonly retryAfterMs: number | undefined;
  constructor(error: HeraldError, retryAfterMs?: number) {
    super(error.code, error.message, { cause: error.cause, retryable: error.retryable });
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Posts `events` to the hub in one request and returns one result per event, in order. Rejects with a
 * {@link BatchError}: the hub's code from its error body, `ERR_TIMEOUT` when no answer came in time and
 * `ERR_CONNECTION_LOST` when the request failed on the network (both retryable, since ids make a retry
 * safe).
 */
export async function postBatch(
  target: BatchTarget,
  events: readonly PublishInput[],
): Promise<readonly PublishResult[]> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
  const controller = new AbortController();
  const abort = () => controller.abort();
  target.signal.addEventListener('abort', abort);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, target.timeoutMs);
  try {
    const res = await target.fetch(target.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(events),
      signal: controller.signal,
    });
    if (!res.ok) throw await answerError(res);
    const body = (await res.json()) as Partial<PublishResponseBody>;
    if (!Array.isArray(body.events) || body.events.length !== events.length)
      throw new BatchError(new HeraldError(ErrorCode.Internal, 'hub answered without one result per event'));
    return body.events;
  } catch (err) {
    if (err instanceof BatchError) throw err;
    if (target.signal.aborted)
      throw new BatchError(new HeraldError(ErrorCode.ClientClosed, 'publisher closed'));
    if (timedOut)
      throw new BatchError(new HeraldError(ErrorCode.Timeout, `no answer within ${target.timeoutMs} ms`));
    const why = err instanceof Error ? err.message : String(err);
    throw new BatchError(
      new HeraldError(ErrorCode.ConnectionLost, `hub unreachable: ${why}`, { cause: err }),
    );
  } finally {
    clearTimeout(timer);
    target.signal.removeEventListener('abort', abort);
  }
}

/** The hub's error answer as a BatchError; an answer without a Herald body is classified by its status. */
async function answerError(res: Response): Promise<BatchError> {
  const error = hubError(await readJson(res));
  const retryAfter = Number(res.headers.get('retry-after'));
  const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
  if (error && typeof error.code === 'string')
    return new BatchError(new HeraldError(error.code, `${error.code}: ${error.message}`), retryAfterMs);
  // A proxy's page or an empty answer: 429 and 5xx may pass if tried again, anything else will not.
  const code =
    res.status === 429
      ? ErrorCode.RateLimited
      : retryableStatus(res.status)
        ? ErrorCode.Internal
        : ErrorCode.BadMessage;
  return new BatchError(new HeraldError(code, `HTTP ${res.status} from the hub`), retryAfterMs);
}
