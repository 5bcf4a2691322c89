import {
  CloseCode,
  type HistoryPageBody,
  MAX_HISTORY_LIMIT,
  planResume,
  type SubscribeMessage,
} from '@herald/protocol';
import type { ClientContext } from '../context.js';
import type { Counters } from '../stats.js';
import type { Environment, Transport, TransportHandlers } from '../types.js';
import { bearer, channelUrl, fetchState, httpTransport, refusedClose } from './http.js';

// The WebSocket upgrade runs only behind an HTTP transport (polling, SSE): it ships in this chunk, not in
// the core. The client's `fetchState` is the shared HTTP module's, reached through this chunk.
export { createUpgrader } from '../upgrade.js';
export { fetchState };

/** One subscribed channel: its `subscribe` message and how far polling got. */
interface Poll extends SubscribeMessage {
  /** Last seq fetched; undefined until the first answer. */
  after?: number;
  epoch?: string;
  /** When the next poll is due (`env.now()` ms); 0 while the hub holds more than was fetched. */
  at: number;
  /** The next page, asked for while catching up before this one is delivered (the hub works meanwhile). */
  next?: Promise<Response> | undefined;
}

/** Opens polling for the connection (`HttpChunk.open` in choice.ts), with the client's options. */
export const open = (baseUrl: string, ctx: ClientContext, handlers: TransportHandlers): Transport =>
  openPolling(
    baseUrl,
    ctx.env,
    ctx.options.pollIntervalMs ?? 2000,
    ctx.connectTimeoutMs,
    handlers,
    ctx.counters,
  );

/**
 * The HTTP fallback: polls `GET /v1/channels/{channel}/events?after=N` and plays the hub's side of
 * `herald.v1` locally (`welcome`, `subscribed` with `recovered`, `events`), so the client keeps one code path
 * for positions, dedupe and gaps. Publishes go over HTTP ({@link httpTransport}). A changed epoch, an HTTP
 * failure or a poll round taking over `timeoutMs` closes the transport, and the client reconnects and
 * resumes.
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
  /** `GET …/events?after=` for one page, as large as the hub allows. */
  const pageAfter = (channel: string, after: number) =>
    env.fetch(`${channelUrl(baseUrl, channel, 'events')}?after=${after}&limit=${MAX_HISTORY_LIMIT}`, {
      headers: auth(),
      signal: abort.signal,
    });

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
    const res = await (poll.next ?? pageAfter(channel, poll.after ?? poll.since?.seq ?? 0));
    poll.next = undefined;
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
    if (!poll.at) {
      counters.catchUpPolls++;
      // Ask for the next page now, so the hub reads and encodes it while this one is delivered; a failure
      // surfaces in the round that awaits it (the catch only keeps an abandoned one from going unhandled).
      poll.next = pageAfter(channel, poll.after);
      poll.next.catch(() => undefined);
    }
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

  return httpTransport(
    'polling',
    baseUrl,
    env,
    handlers,
    abort.signal,
    {
      hello(t) {
        token = t;
        schedule(intervalMs);
      },
      subscribe(message) {
        polls.set(message.channel, { ...message, at: 0 });
        schedule(0);
      },
      unsubscribe: ({ channel }) => polls.delete(channel),
    },
    stop,
  );
}
