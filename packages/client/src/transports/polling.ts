import {
  CloseCode,
  closeCodeFor,
  ErrorCode,
  HeraldError,
  type HistoryPageBody,
  MAX_HISTORY_LIMIT,
  type PublishMessage,
  type PublishResponseBody,
  planResume,
  type ServerMessage,
  type StateBody,
  type SubscribeMessage,
} from '@herald/protocol';
import { hubError, knownCode, readJson, retryableStatus } from '../hub-error.js';
import type { Counters } from '../stats.js';
import type { Environment, Transport, TransportHandlers } from '../types.js';

// The WebSocket upgrade runs only behind a polling connection: it ships in this chunk, not in the core.
export { createUpgrader } from '../upgrade.js';

/** One subscribed channel: its `subscribe` message and how far polling got. */
interface Poll extends SubscribeMessage {
  /** Last seq fetched; undefined until the first answer. */
  after?: number;
  epoch?: string;
  /** When the next poll is due (`env.now()` ms); 0 while the hub holds more than was fetched. */
  at: number;
}

/** The close for a refused poll: the hub's error code says which (1011 when the body is no Herald error). */
async function refusedClose(res: Response): Promise<number> {
  return closeCodeFor(knownCode(hubError(await readJson(res))));
}

const bearer = (token: string | undefined): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

/**
 * `GET /v1/channels/{channel}/state` (the client's `fetchState`, and the polling fallback's snapshot).
 * Rejects with a {@link HeraldError}: the hub's code, or `ERR_CONNECTION_LOST` when it cannot be reached.
 */
export async function fetchState(
  baseUrl: string,
  env: Environment,
  token: string | undefined,
  channel: string,
  signal?: AbortSignal,
): Promise<StateBody> {
  let res: Response;
  try {
    res = await env.fetch(`${baseUrl}/v1/channels/${encodeURIComponent(channel)}/state`, {
      headers: bearer(token),
      ...(signal && { signal }),
    });
  } catch (cause) {
    throw new HeraldError(ErrorCode.ConnectionLost, `could not fetch the state of ${channel}`, { cause });
  }
  const body = (await readJson(res)) as StateBody | null;
  if (res.ok && body) return body;
  const error = hubError(body);
  throw new HeraldError(knownCode(error), error?.message ?? `state answered HTTP ${res.status}`);
}

/**
 * The HTTP fallback: polls `GET /v1/channels/{channel}/events?after=N` and plays the hub's side of
 * `herald.v1` locally (`welcome`, `subscribed` with `recovered`, `events`), so the client keeps one code path
 * for positions, dedupe and gaps. Publishes go out one at a time, in order, as
 * `POST /v1/channels/{channel}/events` with their event id (so a resend is stored once) and are answered
 * with `ack` or `error`: 5xx, 429 and network failures are retryable, other refusals carry the hub's code.
 * A changed epoch, an HTTP failure or a poll round taking over `timeoutMs` closes the transport, and the
 * client reconnects and resumes.
 *
 * Pages are as large as the hub allows ({@link MAX_HISTORY_LIMIT}). A channel whose page ended before the
 * hub's `lastSeq` is polled again at once, the others after `intervalMs`; each round fetches one page of
 * every channel that is due, so a busy channel catching up never starves the rest.
 */
export function openPolling(
  baseUrl: string,
  env: Environment,
  intervalMs: number,
  timeoutMs: number,
  handlers: TransportHandlers,
  counters: Counters,
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

  const auth = () => bearer(token);
  const eventsUrl = (channel: string) => `${baseUrl}/v1/channels/${encodeURIComponent(channel)}/events`;

  /** Asked for state and not resuming: `subscribed`, the snapshot, then the events after it (next round). */
  async function snapshotFirst(poll: Poll, recovered: boolean): Promise<void> {
    const { rid, channel } = poll;
    const snapshot = await fetchState(baseUrl, env, token, channel, abort.signal);
    if (done || polls.get(channel) !== poll) return;
    const { epoch, seq } = snapshot;
    poll.epoch = epoch;
    poll.after = seq;
    poll.at = 0;
    handlers.message({ type: 'subscribed', rid, channel, epoch, lastSeq: seq, recovered }, 0);
    handlers.message({ ...snapshot, type: 'snapshot' }, 0);
  }

  async function pollOne(poll: Poll): Promise<void> {
    const channel = poll.channel;
    if (poll.after === undefined && poll.snapshot && !poll.since) return snapshotFirst(poll, true);
    const res = await env.fetch(
      `${eventsUrl(channel)}?after=${poll.after ?? poll.since?.seq ?? 0}&limit=${MAX_HISTORY_LIMIT}`,
      { headers: auth(), signal: abort.signal },
    );
    if (!res.ok) throw await refusedClose(res);
    const page = (await res.json()) as HistoryPageBody;
    if (done || polls.get(channel) !== poll) return;
    const { epoch, lastSeq } = page;
    if (poll.after === undefined) {
      // The resume rule of every transport; when not recovered, `from` is lastSeq and nothing replays.
      const { recovered, from } = planResume(page, poll.since);
      if (poll.snapshot && !recovered) return snapshotFirst(poll, false);
      poll.epoch = epoch;
      poll.after = from;
      handlers.message({ type: 'subscribed', rid: poll.rid, channel, epoch, lastSeq, recovered }, 0);
    } else if (epoch !== poll.epoch) {
      throw CloseCode.ServiceRestart; // history was reset: reconnect so the client resubscribes and raises a gap
    }
    const events = page.events.filter((e) => e.seq > poll.after!);
    const last = events[events.length - 1];
    if (last) poll.after = last.seq;
    // The hub holds more: fetch the next page in the next round, not after the interval.
    poll.at = last && lastSeq > last.seq ? 0 : env.now() + intervalMs;
    if (!poll.at) counters.catchUpPolls++;
    if (last) handlers.message({ type: 'events', events }, 0);
  }

  let busy = false;
  async function tick(): Promise<void> {
    if (busy) return; // one round at a time, or positions could race; its end schedules the next
    busy = true;
    const due = [...polls.values()].filter((poll) => poll.at <= env.now());
    // A request can hang forever on a dead link (no FIN): give up on the round, like a silent socket.
    const watchdog = env.setTimeout(() => fail(CloseCode.Abnormal, 'poll timed out'), timeoutMs);
    try {
      await Promise.all(due.map(pollOne));
      env.clearTimeout(watchdog);
      busy = false;
      let next = intervalMs;
      for (const poll of polls.values()) next = Math.min(next, poll.at - env.now());
      if (!done) schedule(Math.max(0, next));
    } catch (error) {
      fail(typeof error === 'number' ? error : CloseCode.Abnormal, 'polling failed');
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
      const body = (await res.json()) as Partial<PublishResponseBody>;
      const { events } = body;
      const error = hubError(body);
      const ack = events?.[0];
      const { status } = res;
      answer =
        res.ok && ack
          ? { ...ack, type: 'ack', rid, channel }
          : {
              type: 'error',
              rid,
              code: ErrorCode.Internal,
              message: `publish answered HTTP ${status}`,
              ...error,
              retryable: retryableStatus(status) || error?.retryable === true,
            };
    } catch (cause) {
      answer = {
        type: 'error',
        rid,
        code: ErrorCode.ConnectionLost,
        message: `publish failed: ${cause}`,
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
          polls.set(message.channel, { ...message, at: 0 });
          schedule(0);
          break;
        case 'unsubscribe':
          polls.delete(message.channel);
          reply({ ...message, type: 'unsubscribed' });
          break;
        case 'publish':
          posts = posts.then(() => post(message)); // one at a time keeps the publish order
          break;
        case 'ping':
          reply({ ...message, type: 'pong' });
          break;
      }
      return 0;
    },
    close: stop,
  };
}
