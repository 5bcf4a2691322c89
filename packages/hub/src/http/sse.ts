import type { ServerResponse } from 'node:http';
import { CloseCode, type Envelope, ErrorCode, HeraldError, type SnapshotMessage } from '@herald/protocol';
import type { HubContext } from '../context.js';
import type { EncodedBatch } from '../encoded-batch.js';
import { onceDrained } from '../peer/drain.js';
import { Peer } from '../peer/peer.js';
import type { HubSocket, PeerFraming } from '../peer/socket.js';
import type { ChannelState } from '../store/types.js';
import type { StreamQuery } from './query.js';

// SSE fields end at a newline, so an event type must not carry one.
function sseType(type: string): string {
  return type.replace(/[\r\n]/g, ' ');
}

/**
 * Formats a batch as SSE events: `id: <seq>`, `event: <type>`, `data: <envelope JSON>`; `typed` false leaves
 * out `event:`, so an EventSource dispatches every envelope as `message` (it can listen only to known names).
 */
function formatSse(envelopes: readonly Envelope[], encoded: readonly string[], typed: boolean): string {
  let out = '';
  for (let i = 0; i < envelopes.length; i++) {
    const e = envelopes[i];
    if (e === undefined) continue;
    out += typed
      ? `id: ${e.seq}\nevent: ${sseType(e.type)}\ndata: ${encoded[i]}\n\n`
      : `id: ${e.seq}\ndata: ${encoded[i]}\n\n`;
  }
  return out;
}

/**
 * The snapshot as an SSE event: `event: snapshot`, the WebSocket `snapshot` message as data, and its seq as
 * the `id:`, so an EventSource that reconnects sends it as Last-Event-ID and resumes right after it.
 */
function formatSnapshot(channel: string, { epoch, seq, state }: ChannelState): string {
  const message: SnapshotMessage = { type: 'snapshot', channel, epoch, seq, state };
  return `id: ${seq}\nevent: snapshot\ndata: ${JSON.stringify(message)}\n\n`;
}

/**
 * `event: gap`: the position cannot be resumed, and the events of `epoch` after `lastSeq` follow. Sent when a
 * stream starts from such a position, and in band when the channel's history is reset under a live stream
 * (then `lastSeq` is where the new history is replayed from, 0 while it keeps its first seq): a
 * reconnecting EventSource sends only a seq, so the stream goes on rather than ending. `id: <lastSeq>`
 * makes an EventSource that reconnects before the next event resume from there, not from a seq of the
 * history that is gone.
 */
function formatGap(channel: string, epoch: string, lastSeq: number): string {
  const gap = { channel, epoch, lastSeq, recovered: false };
  return `id: ${lastSeq}\nevent: gap\ndata: ${JSON.stringify(gap)}\n\n`;
}

/** SSE has no frames: a backlog of batches is simply their events one after another. */
function sseFraming(typed: boolean): PeerFraming {
  const batch = (b: EncodedBatch): string => formatSse(b.envelopes, b.encoded, typed);
  return { batch, pack: (batches) => batches.map(batch).join(''), reset: formatGap };
}

const SSE_FRAMING = sseFraming(true);
/** `?announce=1`, Herald's client: envelopes as `message` events (their type is in the envelope). */
const ANNOUNCED_FRAMING = sseFraming(false);

/** Adapts a `node:http` response to the hub's {@link HubSocket}. */
class SseSocket implements HubSocket {
  constructor(private readonly res: ServerResponse) {}

  /** @inheritdoc */
  get bufferedAmount(): number {
    return this.res.writableLength;
  }

  /** @inheritdoc */
  send(data: string | Buffer): void {
    this.res.write(data);
  }

  /** @inheritdoc */
  cork(fn: () => void): void {
    this.res.cork();
    try {
      fn();
    } finally {
      this.res.uncork();
    }
  }

  /** @inheritdoc */
  onceDrained(fn: () => void): void {
    onceDrained(this.res, fn);
  }

  /** Ends the response; a slow consumer's is destroyed, since what is still queued will not be read. */
  close(code: number): void {
    if (code === CloseCode.SlowConsumer) this.res.destroy();
    else this.res.end();
  }

  /** @inheritdoc */
  terminate(): void {
    this.res.destroy();
  }
}

/**
 * One SSE stream on one channel: a {@link Peer} writing to an HTTP response, so it shares the gapless
 * replay-then-live, the send queue and the slow-consumer limit with WebSocket connections.
 */
export class SseStream {
  private peer: Peer | undefined;
  private announce = false;

  constructor(
    private readonly ctx: HubContext,
    readonly channel: string,
    private readonly res: ServerResponse,
    private readonly onGone: (stream: SseStream) => void,
  ) {}

  /** Bytes this stream holds in hub memory. */
  get heldBytes(): number {
    return this.peer?.heldBytes ?? 0;
  }

  /**
   * Sends the headers, then subscribes from `after` (a Last-Event-ID), of `epoch` when given: `retry: 2000`,
   * an `event: gap` when the position cannot be resumed, the replay of `(after, lastSeq]`, then live events.
   * With `snapshot` (`?snapshot=1`), a stream without `after`, or whose `after` cannot be resumed, starts
   * with an `event: snapshot` (the state at seq S, `id: S`) instead of a gap, then the events after S.
   *
   * With `announce` (`?announce=1`, what Herald's client asks for) the stream speaks like a WebSocket
   * subscription: it starts with `event: subscribed`, `data: {channel, epoch, lastSeq, recovered,
   * heartbeatMs}` (the `subscribed` message without `rid`) in place of the initial gap, envelopes come as
   * plain `message` events, and keep-alives are `event: ping` events, which an EventSource (blind to
   * comments) can see, so a dead stream is noticed.
   */
  start({ after, epoch, snapshot, announce }: StreamQuery, headers: Record<string, string>): void {
    const framing = announce ? ANNOUNCED_FRAMING : SSE_FRAMING;
    const peer = new Peer(this.ctx, new SseSocket(this.res), framing, () => this.onGone(this));
    this.peer = peer;
    this.announce = announce;
    this.res.once('close', () => peer.socketClosed());
    this.res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    this.res.flushHeaders();
    const since =
      after === undefined ? undefined : epoch === undefined ? { seq: after } : { epoch, seq: after };
    const onSnapshot = snapshot ? (s: ChannelState) => formatSnapshot(this.channel, s) : undefined;
    const { heartbeatMs } = this.ctx.config;
    peer
      .subscribe(
        this.channel,
        since,
        (extent, plan, withSnapshot) => {
          peer.send('retry: 2000\n\n');
          const { channel } = this;
          if (announce) {
            const { lastSeq } = extent;
            const subscribed = {
              channel,
              epoch: extent.epoch,
              lastSeq,
              recovered: plan.recovered,
              heartbeatMs,
            };
            peer.send(`event: subscribed\ndata: ${JSON.stringify(subscribed)}\n\n`);
          } else if (!plan.recovered && !withSnapshot) {
            peer.send(formatGap(channel, extent.epoch, extent.lastSeq));
          }
        },
        onSnapshot,
      )
      .catch((err: unknown) => {
        this.ctx.logger.warn({ err, channel: this.channel }, 'sse replay failed');
        this.fail(err);
      });
  }

  /**
   * Ends a stream whose subscription failed. A coded refusal (a store without state) is sent as an
   * `event: error` first, so the client learns why rather than reconnecting in a loop.
   */
  private fail(err: unknown): void {
    this.ctx.metrics.error(err instanceof HeraldError ? err.code : ErrorCode.Internal);
    if (err instanceof HeraldError && err.code !== ErrorCode.Internal) {
      const body = { code: err.code, message: err.message, retryable: err.retryable };
      this.peer?.send(`event: error\ndata: ${JSON.stringify(body)}\n\n`);
    }
    this.peer?.close(CloseCode.InternalError, 'replay failed');
  }

  /** Sends a comment line so proxies keep the stream open (an `event: ping` on an announced stream). */
  keepAlive(): void {
    this.peer?.send(this.announce ? 'event: ping\ndata: {}\n\n' : ': ping\n\n');
  }

  /** Ends the stream after what is queued (drain). Idempotent. */
  close(): void {
    this.peer?.close(CloseCode.ServiceRestart, 'draining');
  }
}
