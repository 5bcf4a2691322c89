import { CloseCode, type JsonValue } from '@herald/protocol';
import { readSseBody, sseParser } from '../sse-parser.js';
import type { HeraldClient } from '../types.js';
import { fieldsOf, mapMessage } from './mapping.js';
import { createSourceClient } from './source-client.js';
import type { SourceOptions } from './types.js';

/** One server-sent event as {@link sseSource}'s mapping sees it. */
export interface SseMessage {
  /** The `event:` field, `'message'` when the event had none. */
  readonly event: string;
  /** The `data:` lines parsed as JSON, or the text itself when it is not JSON. */
  readonly data: JsonValue;
  /** The `data:` lines as sent. */
  readonly text: string;
  /** The stream's last `id:` so far (it persists across events, as in an EventSource), or `''`. */
  readonly id: string;
}

/** Options of {@link sseSource}. */
export interface SseSourceOptions extends SourceOptions<SseMessage> {
  /** The SSE endpoint, or a function of the token from `getToken`. */
  url: string | ((token: string | undefined) => string);
  /**
   * Request headers. @default `Authorization: Bearer <token>` when `getToken` gives a token, plus
   * `Accept: text/event-stream` and `Last-Event-ID` on a reconnect, which are always sent
   */
  headers?: (token: string | undefined) => Record<string, string>;
  /**
   * Set when the backend honours `Last-Event-ID`, replaying every event after it. Then a reconnect
   * resumes each channel (`recovered: true`, no gap); otherwise every reconnect raises a gap (`onGap`)
   * so the app refetches. Repeats are dropped by id either way.
   * @default false
   */
  resumes?: boolean;
}

const parseData = (text: string): JsonValue => {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
};

/**
 * A Herald client over any server-sent events endpoint. It reads the stream through `fetch` (in browsers
 * and in Node), so that it can send a bearer token and, when the client reconnects after its backoff,
 * `Last-Event-ID`: an `EventSource` can do neither on a connection it did not reopen itself. An unnamed
 * event's data is read like a plain WebSocket message (its `id`, `type`, `data` and `ts` fields); a named
 * one (`event: goal.created`) is an event of that type with the data as its data, and the SSE id as its
 * id. docs/sources.md says what it can promise.
 */
export function sseSource(options: SseSourceOptions): HeraldClient {
  const { url, resumes = false } = options;
  const log = options.logger ?? {};
  const env = options.environment ?? {};
  const now = env.now ?? Date.now;
  let lastId = ''; // the stream's position, kept across connections for Last-Event-ID
  return createSourceClient(typeof url === 'string' ? url : 'source', options, (link, token) => {
    const abort = new AbortController();
    const fetch = env.fetch ?? globalThis.fetch;
    const sentId = lastId;
    const skip = (reason: string, cause?: unknown) =>
      log.warn?.(`herald: source skipped an event: ${reason}`, cause);
    // An SSE id persists across events, so an event carries its own id when the id changed, or when it
    // repeats the previous event exactly (the same event sent twice); otherwise it has none of its own.
    let previous = { id: '', key: '' };
    const feed = sseParser(({ type, data: text, lastEventId }) => {
      const data = parseData(text);
      const message: SseMessage = { event: type, data, text, id: lastEventId };
      const key = `${type}\n${text}`;
      const own = lastEventId !== '' && (lastEventId !== previous.id || key === previous.key);
      previous = { id: lastEventId, key };
      const named = type !== 'message';
      const defaults = {
        fields: named ? {} : fieldsOf(data),
        type,
        data,
        text: key,
        id: own ? lastEventId : undefined,
      };
      link.event(mapMessage(options, message, defaults, now, skip), () => {
        if (lastEventId !== '') lastId = lastEventId;
      });
    });
    const headers: Record<string, string> = {
      ...(token && { authorization: `Bearer ${token}` }),
      ...options.headers?.(token),
      accept: 'text/event-stream',
      ...(sentId && { 'last-event-id': sentId }),
    };
    fetch(typeof url === 'string' ? url : url(token), { headers, signal: abort.signal, cache: 'no-store' })
      .then(async (res) => {
        if (!res.ok || !res.body || res.status === 204) {
          res.body?.cancel().catch(() => undefined);
          // 401 lets the client ask getToken for a new token once; 204 is the SSE way of saying stop.
          const code =
            res.status === 401
              ? CloseCode.Unauthorized
              : res.status === 403
                ? CloseCode.Forbidden
                : res.status === 204
                  ? CloseCode.Normal
                  : CloseCode.Abnormal;
          return link.down(code, `SSE endpoint answered HTTP ${res.status}`);
        }
        link.up(resumes && sentId !== '');
        await readSseBody(res.body, feed);
        link.down(CloseCode.Abnormal, 'SSE stream ended');
      })
      .catch((cause: unknown) => {
        if (!abort.signal.aborted) log.info?.('herald: SSE source lost its stream', cause);
        link.down(CloseCode.Abnormal, 'SSE stream failed');
      });
    return { close: () => abort.abort() };
  });
}
