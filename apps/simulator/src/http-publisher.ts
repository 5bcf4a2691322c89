import { randomUUID } from 'node:crypto';
import { ErrorCode, HeraldError, type JsonValue, type PublishInput } from '@herald/protocol';
import type { SimulatorLogger } from './logger.js';
import { abortableDelay } from './pacer.js';

/** Options for {@link createHttpPublisher}. */
export interface HttpPublisherOptions {
  /** Hub base URL, such as `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** Publisher API key sent as `Authorization: Bearer`. Not needed on an open dev hub. */
  readonly publisherKey?: string | undefined;
  /** Aborting stops retries and in-flight requests. */
  readonly signal: AbortSignal;
  /** Where retry warnings go. */
  readonly logger: SimulatorLogger;
  /**
   * Attempts per publish before giving up (the first try included).
   * @default 8
   */
  readonly maxAttempts?: number | undefined;
  /**
   * First retry delay in ms; doubles per attempt (full jitter), capped at 5 s.
   * @default 200
   */
  readonly initialBackoffMs?: number | undefined;
}

/** What the hub answered for one stored event. */
export interface PublishedEvent {
  readonly id: string;
  readonly seq: number;
}

/** Publishes events through the hub's HTTP API. */
export interface HttpPublisher {
  /**
   * Publishes `events` to `channel` in one request. Every event gets a client-generated id before the
   * first attempt, so a retry after a lost response is stored once. Rejects with a {@link HeraldError}.
   */
  publish(channel: string, events: readonly PublishInput<JsonValue>[]): Promise<readonly PublishedEvent[]>;
}

const MAX_BACKOFF_MS = 5_000;

/** Creates an {@link HttpPublisher} that retries with capped, jittered backoff while the hub is away. */
export function createHttpPublisher(options: HttpPublisherOptions): HttpPublisher {
  const base = options.baseUrl.replace(/\/+$/, '');
  const maxAttempts = options.maxAttempts ?? 8;
  const initialBackoffMs = options.initialBackoffMs ?? 200;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.publisherKey !== undefined) headers.authorization = `Bearer ${options.publisherKey}`;

  return {
    async publish(channel, events) {
      const body = JSON.stringify(events.map((e) => ({ ...e, id: e.id ?? `sim-${randomUUID()}` })));
      const url = `${base}/v1/channels/${encodeURIComponent(channel)}/events`;
      for (let attempt = 1; ; attempt++) {
        if (options.signal.aborted) throw new HeraldError(ErrorCode.ClientClosed, 'simulator stopped');
        let failure: HeraldError;
        try {
          const res = await fetch(url, { method: 'POST', headers, body, signal: options.signal });
          if (res.ok) return await readAck(res);
          failure = await readError(res);
          if (!failure.retryable) throw failure;
        } catch (err) {
          if (err instanceof HeraldError && !err.retryable) throw err;
          if (options.signal.aborted) throw new HeraldError(ErrorCode.ClientClosed, 'simulator stopped');
          failure =
            err instanceof HeraldError
              ? err
              : new HeraldError(ErrorCode.Internal, `hub unreachable: ${describe(err)}`, { cause: err });
        }
        if (attempt >= maxAttempts) throw failure;
        const cap = Math.min(MAX_BACKOFF_MS, initialBackoffMs * 2 ** (attempt - 1));
        options.logger.warn(`publish to ${channel} failed (${failure.message}); retry ${attempt}`);
        await abortableDelay(Math.random() * cap, options.signal);
      }
    },
  };
}

async function readAck(res: Response): Promise<readonly PublishedEvent[]> {
  const json: unknown = await res.json();
  const events = (json as { events?: unknown }).events;
  if (!Array.isArray(events)) throw new HeraldError(ErrorCode.BadMessage, 'hub answered without events[]');
  return events as PublishedEvent[];
}

/** Turns an HTTP error answer into a HeraldError; 5xx and 429 stay retryable even without a JSON body. */
async function readError(res: Response): Promise<HeraldError> {
  let code: ErrorCode = res.status === 429 ? ErrorCode.RateLimited : ErrorCode.Internal;
  let message = `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { code?: ErrorCode; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = `${code}: ${body.error.message}`;
  } catch {
    // Not JSON (a proxy page, say): keep the status-based code.
  }
  const retryable = res.status >= 500 || res.status === 429;
  return new HeraldError(code, message, { retryable });
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}
