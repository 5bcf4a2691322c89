import {
  type Envelope,
  ErrorCode,
  type PublishMessage,
  type ServerMessage,
  type SincePosition,
} from '@herald/protocol';
import type { Environment, Transport, TransportHandlers } from '../types.js';

interface Poll {
  rid: string;
  since: SincePosition | undefined;
  /** Last seq fetched; undefined until the first answer. */
  after: number | undefined;
  epoch: string | undefined;
}

/** The body of an HTTP answer: a page, a publish result or an error. */
interface Page {
  epoch: string;
  events: Envelope[];
  last_seq: number;
  first_seq?: number;
}

interface PublishBody {
  events?: { id: string; seq: number; duplicate?: boolean }[];
  error?: { code?: ErrorCode; message?: string; retryable?: boolean };
}

/**
 * The HTTP fallback: polls `GET /v1/channels/{channel}/events?after=N` and plays the hub's side of
 * `herald.v1` locally (`welcome`, `subscribed` with `recovered`, `events`), so the client keeps one code path
 * for positions, dedupe and gaps. Publishes go out one at a time, in order, as
 * `POST /v1/channels/{channel}/events` with their event id (so a resend is stored once) and are answered
 * with `ack` or `error`: 5xx, 429 and network failures are retryable, other refusals carry the hub's code.
 * A changed epoch, an HTTP failure or a poll round taking over `timeoutMs` closes the transport, and the
 * client reconnects and resumes.
 */
export function openPolling(
  baseUrl: string,
  env: Environment,
  intervalMs: number,
  timeoutMs: number,
  handlers: TransportHandlers,
): Transport {
  const polls = new Map<string, Poll>();
  const abort = new AbortController();
  let token: string | undefined;
  let timer: unknown;
  let done = false;

  const stop = () => {
    done = true;
    env.clearTimeout(timer);
    abort.abort();
  };
  const fail = (code: number, reason: string) => {
    if (done) return;
    stop();
    handlers.close(code, reason);
  };
  const schedule = (ms: number) => {
    env.clearTimeout(timer);
    timer = env.setTimeout(tick, ms);
  };

  const auth = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  const eventsUrl = (channel: string) => `${baseUrl}/v1/channels/${encodeURIComponent(channel)}/events`;

  async function fetchPage(channel: string, after: number): Promise<Page> {
    const res = await env.fetch(`${eventsUrl(channel)}?after=${after}`, {
      headers: auth(),
      signal: abort.signal,
    });
    if (!res.ok) throw res.status === 401 ? 4401 : res.status === 403 ? 4403 : 1011;
    return (await res.json()) as Page;
  }

  async function pollOne(channel: string, poll: Poll): Promise<void> {
    const page = await fetchPage(channel, poll.after ?? poll.since?.seq ?? 0);
    if (done || polls.get(channel) !== poll) return;
    let events = page.events;
    if (poll.after === undefined) {
      const since = poll.since;
      const recovered =
        !since ||
        ((since.epoch === undefined || since.epoch === page.epoch) &&
          since.seq <= page.last_seq &&
          since.seq >= (page.first_seq || 1) - 1);
      if (!since || !recovered) events = [];
      poll.epoch = page.epoch;
      poll.after = since && recovered ? since.seq : page.last_seq;
      handlers.message(
        { type: 'subscribed', rid: poll.rid, channel, epoch: page.epoch, lastSeq: page.last_seq, recovered },
        0,
      );
    } else if (page.epoch !== poll.epoch) {
      throw 1012; // history was reset: reconnect so the client resubscribes and raises a gap
    }
    events = events.filter((e) => e.seq > (poll.after ?? 0));
    const last = events[events.length - 1];
    if (last) {
      poll.after = last.seq;
      handlers.message({ type: 'events', events }, 0);
    }
  }

  let busy = false;
  let again = false;
  async function tick(): Promise<void> {
    if (busy) {
      again = true; // one poll at a time per channel, or positions could race
      return;
    }
    busy = true;
    // A request can hang forever on a dead link (no FIN): give up on the round, like a silent socket.
    const watchdog = polls.size ? env.setTimeout(() => fail(1006, 'poll timed out'), timeoutMs) : undefined;
    try {
      await Promise.all([...polls].map(([channel, poll]) => pollOne(channel, poll)));
      env.clearTimeout(watchdog);
      busy = false;
      if (!done) schedule(again ? 0 : intervalMs);
      again = false;
    } catch (error) {
      fail(typeof error === 'number' ? error : 1006, 'polling failed');
    }
  }

  async function post({ rid, channel, event }: PublishMessage): Promise<void> {
    if (done) return;
    let answer: ServerMessage;
    try {
      const res = await env.fetch(eventsUrl(channel), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth() },
        body: JSON.stringify(event),
        signal: abort.signal,
      });
      const body = (await res.json()) as PublishBody;
      const ack = body.events?.[0];
      const error = body.error;
      answer =
        res.ok && ack
          ? { type: 'ack', rid, channel, id: ack.id, seq: ack.seq, duplicate: ack.duplicate === true }
          : {
              type: 'error',
              rid,
              code: error?.code ?? ErrorCode.Internal,
              message: error?.message ?? `publish answered HTTP ${res.status}`,
              retryable: res.status >= 500 || res.status === 429 || error?.retryable === true,
            };
    } catch (cause) {
      answer = {
        type: 'error',
        rid,
        code: ErrorCode.ConnectionLost,
        message: `publish failed: ${String(cause)}`,
        retryable: true,
      };
    }
    if (!done) handlers.message(answer, 0);
  }
  let posts = Promise.resolve();

  // Replies are async, like the network, so the client never re-enters itself.
  const reply = (message: ServerMessage) =>
    Promise.resolve().then(() => {
      if (!done) handlers.message(message, 0);
    });
  timer = env.setTimeout(() => handlers.open(), 0);
  let opened = false;
  return {
    name: 'polling',
    send(message) {
      if (done) return 0;
      if (!opened) {
        opened = true; // the first message is `hello`
        if (message.type === 'hello') token = message.token;
        reply({
          type: 'welcome',
          connectionId: 'polling',
          heartbeatMs: 0,
          maxFrameBytes: 65_536,
          tokenExpiresAt: null,
        });
        schedule(intervalMs);
        return 0;
      }
      switch (message.type) {
        case 'subscribe':
          polls.set(message.channel, {
            rid: message.rid,
            since: message.since,
            after: undefined,
            epoch: undefined,
          });
          schedule(0);
          break;
        case 'unsubscribe':
          polls.delete(message.channel);
          reply({ type: 'unsubscribed', rid: message.rid, channel: message.channel });
          break;
        case 'publish':
          posts = posts.then(() => post(message)); // one at a time keeps the publish order
          break;
        case 'ping':
          reply({ type: 'pong', ...(message.ts === undefined ? {} : { ts: message.ts }) });
          break;
      }
      return 0;
    },
    close: stop,
  };
}
