import {
  CloseCode,
  closeCodeFor,
  type Envelope,
  type ErrorBody,
  type ServerMessage,
  type SubscribeMessage,
} from '@herald/protocol';
import type { ClientContext } from '../context.js';
import { knownCode } from '../hub-error.js';
import { readSseBody, type SseEvent, sseParser } from '../sse-parser.js';
import type { Environment, EventSourceConstructorLike, Transport, TransportHandlers } from '../types.js';
import { bearer, channelUrl, httpTransport, refusedClose } from './http.js';

// The WebSocket upgrade runs behind an SSE connection too; the shared HTTP chunk keeps one copy of it.
export { createUpgrader } from '../upgrade.js';

/** One subscribed channel's stream. */
interface Stream {
  readonly message: SubscribeMessage;
  readonly abort: AbortController;
  /** Silence allowed before the stream counts as dead: the connect timeout, then two hub heartbeats. */
  limit: number;
  lastAt: number;
  timer?: unknown;
}

/** The `event: subscribed` of an announced stream (`?announce=1`). */
interface Announcement {
  readonly epoch: string;
  readonly lastSeq: number;
  readonly recovered: boolean;
  readonly heartbeatMs: number;
}

/** Opens SSE for the connection (`HttpChunk.open` in choice.ts), with the client's options. */
export const open = (baseUrl: string, ctx: ClientContext, handlers: TransportHandlers): Transport =>
  openSse(baseUrl, ctx.env, ctx.connectTimeoutMs, handlers);

/**
 * The SSE transport: one `GET /v1/channels/{channel}/stream?announce=1` per subscribed channel, resuming
 * from the subscription's `since` (`&epoch=E&after=N`, so a position of another epoch is not resumed). The
 * hub announces each stream with `event: subscribed`, which becomes the `subscribed` message, so the client
 * keeps one code path for positions, dedupe and gaps; envelopes become `events`, `event: snapshot` the
 * `snapshot`. Publishes go over HTTP ({@link httpTransport}).
 *
 * It reads with `env.EventSource`, by default the global one (browsers; the token goes as `?token=`,
 * EventSource cannot send headers), or, without one or when it is `null`, with `fetch` streaming and an
 * `Authorization: Bearer` header (Node).
 * A refused stream closes the transport with its code's close (with an EventSource, which hides the
 * status, one `fetch` asks why). A stream that ends, fails, tells of a history reset (`event: gap`: the
 * client resubscribes and raises the gap), or stays silent past its limit (no bytes, not even the hub's
 * `event: ping`, within `timeoutMs` before its announcement and two heartbeats after) closes the
 * transport, and the client reconnects and resumes. The EventSource's own reconnect is never used: the
 * client's backoff and resume rule decide.
 */
export function openSse(
  baseUrl: string,
  env: Environment,
  timeoutMs: number,
  handlers: TransportHandlers,
): Transport {
  const EventSource =
    env.EventSource === undefined
      ? ((globalThis as { EventSource?: EventSourceConstructorLike }).EventSource ?? null)
      : env.EventSource;
  const streams = new Map<string, Stream>();
  const abort = new AbortController();
  let token: string | undefined;

  const end = (stream: Stream) => {
    env.clearTimeout(stream.timer);
    stream.abort.abort();
  };
  const stop = () => {
    abort.abort();
    for (const stream of streams.values()) end(stream);
    streams.clear();
  };
  const fail = (code: number, reason: string) => {
    if (abort.signal.aborted) return;
    stop();
    handlers.close(code, reason);
  };
  const live = (stream: Stream) => streams.get(stream.message.channel) === stream && !abort.signal.aborted;

  /** Re-arms the stream's watchdog for what is left of its limit; past it the stream is dead. */
  const watch = (stream: Stream) => {
    const left = stream.lastAt + stream.limit - env.now();
    if (left > 0) stream.timer = env.setTimeout(() => watch(stream), left);
    else fail(CloseCode.Abnormal, 'stream silent');
  };

  const deliver = (stream: Stream, message: ServerMessage) => {
    if (live(stream)) handlers.message(message, 0);
  };

  /** One event of `stream`'s channel; one that is not the hub's JSON closes the transport. */
  function received(stream: Stream, event: SseEvent): void {
    if (!live(stream)) return;
    stream.lastAt = env.now();
    try {
      announced(stream, event);
    } catch (error) {
      fail(CloseCode.InternalError, `bad stream event: ${error}`);
    }
  }

  /** One event as the hub frames it for `?announce=1`. */
  function announced(stream: Stream, { type, data }: SseEvent): void {
    const { rid, channel } = stream.message;
    if (type === 'message') deliver(stream, { type: 'events', events: [JSON.parse(data) as Envelope] });
    else if (type === 'subscribed') {
      const { epoch, lastSeq, recovered, heartbeatMs } = JSON.parse(data) as Announcement;
      if (heartbeatMs > 0) stream.limit = 2 * heartbeatMs;
      deliver(stream, { type: 'subscribed', rid, channel, epoch, lastSeq, recovered });
    } else if (type === 'snapshot') deliver(stream, JSON.parse(data) as ServerMessage);
    // The history was reset under the stream: resubscribing from the old position raises the gap.
    else if (type === 'gap') fail(CloseCode.ServiceRestart, 'history reset');
    else if (type === 'error') fail(closeCodeFor(knownCode(JSON.parse(data) as ErrorBody)), 'stream refused');
  }

  const streamUrl = ({ channel, since, snapshot }: SubscribeMessage, withToken: boolean) => {
    const query = new URLSearchParams({ announce: '1' });
    if (since) {
      if (since.epoch !== undefined) query.set('epoch', since.epoch);
      query.set('after', String(since.seq));
    }
    if (snapshot) query.set('snapshot', '1');
    if (withToken && token) query.set('token', token);
    return `${channelUrl(baseUrl, channel, 'stream')}?${query}`;
  };

  /** Reads `stream` with fetch streaming: the token as a header, every chunk counts as a sign of life. */
  async function fetchStream(stream: Stream): Promise<void> {
    const { signal } = stream.abort;
    const res = await env.fetch(streamUrl(stream.message, false), {
      headers: { accept: 'text/event-stream', ...bearer(token) },
      signal,
    });
    if (!res.ok || !res.body) throw await refusedClose(res);
    const feed = sseParser((event) => received(stream, event));
    await readSseBody(res.body, (text) => {
      stream.lastAt = env.now();
      feed(text);
    });
  }

  /** Reads `stream` with an EventSource, closed on its first error so that its own retry never runs. */
  function eventSourceStream(stream: Stream, Source: EventSourceConstructorLike): void {
    const url = streamUrl(stream.message, true);
    const source = new Source(url);
    let opened = false;
    stream.abort.signal.addEventListener('abort', () => source.close());
    // The hub's `event: error` has data; the source's own errors (also of type `error`) have none.
    const on = (type: string) =>
      source.addEventListener(type, ({ data }) => {
        if (typeof data === 'string') received(stream, { type, data, lastEventId: '' });
      });
    for (const type of ['message', 'subscribed', 'snapshot', 'gap', 'error', 'ping']) on(type);
    source.onopen = () => {
      opened = true;
      stream.lastAt = env.now();
    };
    source.onerror = (event) => {
      if (typeof (event as { data?: unknown }).data === 'string') return; // the hub's, handled above
      source.close();
      if (!live(stream)) return;
      if (opened) return fail(CloseCode.Abnormal, 'stream ended');
      // EventSource hides the HTTP status of a refusal: ask once, so a bad token is not retried forever.
      env.fetch(url, { signal: stream.abort.signal }).then(
        async (res) => {
          if (res.ok) await res.body?.cancel();
          fail(res.ok ? CloseCode.Abnormal : await refusedClose(res), 'stream refused');
        },
        () => fail(CloseCode.Abnormal, 'stream failed'),
      );
    };
  }

  function subscribe(message: SubscribeMessage): void {
    const previous = streams.get(message.channel);
    if (previous) end(previous);
    const stream: Stream = { message, abort: new AbortController(), limit: timeoutMs, lastAt: env.now() };
    streams.set(message.channel, stream);
    watch(stream);
    if (EventSource) eventSourceStream(stream, EventSource);
    else
      fetchStream(stream).then(
        () => live(stream) && fail(CloseCode.Abnormal, 'stream ended'),
        (error: unknown) =>
          live(stream) && fail(typeof error === 'number' ? error : CloseCode.Abnormal, 'stream failed'),
      );
  }

  return httpTransport(
    'sse',
    baseUrl,
    env,
    handlers,
    abort.signal,
    {
      hello(t) {
        token = t;
      },
      subscribe,
      unsubscribe({ channel }) {
        const stream = streams.get(channel);
        streams.delete(channel);
        if (stream) end(stream);
      },
    },
    stop,
  );
}
