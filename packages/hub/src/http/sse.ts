import type { ServerResponse } from 'node:http';
import { CloseCode, type Envelope, ErrorCode, HeraldError, type SnapshotMessage } from '@herald/protocol';
import type { HubContext } from '../context.js';
import type { EncodedBatch } from '../encoded-batch.js';
import { onceDrained } from '../peer/drain.js';
import { Peer } from '../peer/peer.js';
import type { HubSocket, PeerFraming } from '../peer/socket.js';
import type { ChannelState } from '../store/types.js';

// SSE fields end at a newline, so an event type must not carry one.
function sseType(type: string): string {
  return type.replace(/[\r\n]/g, ' ');
}

/** Formats a batch as SSE events: `id: <seq>`, `event: <type>`, `data: <envelope JSON>`. */
function formatSse(envelopes: readonly Envelope[], encoded: readonly string[]): string {
  let out = '';
  for (let i = 0; i < envelopes.length; i++) {
    const e = envelopes[i];
    if (e !== undefined) out += `id: ${e.seq}\nevent: ${sseType(e.type)}\ndata: ${encoded[i]}\n\n`;
  }
  return out;
}

const formatBatch = (batch: EncodedBatch): string => formatSse(batch.envelopes, batch.encoded);

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
const SSE_FRAMING: PeerFraming = {
  batch: formatBatch,
  pack: (batches) => batches.map(formatBatch).join(''),
  reset: formatGap,
};

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
  private readonly peer: Peer;

  constructor(
    private readonly ctx: HubContext,
    readonly channel: string,
    private readonly res: ServerResponse,
    onGone: (stream: SseStream) => void,
  ) {
    this.peer = new Peer(ctx, new SseSocket(res), SSE_FRAMING, () => onGone(this));
    res.once('close', () => this.peer.socketClosed());
  }

  /** Bytes this stream holds in hub memory. */
  get heldBytes(): number {
    return this.peer.heldBytes;
  }

  /**
   * Sends the headers, then subscribes from `after` (a Last-Event-ID): `retry: 2000`, an `event: gap` when
   * the position cannot be resumed, the replay of `(after, lastSeq]`, then live events. With `snapshot`
   * (`?snapshot=1`), a stream without `after`, or whose `after` cannot be resumed, starts with an
   * `event: snapshot` (the state at seq S, `id: S`) instead of a gap, then the events after S.
   */
  start(after: number | undefined, headers: Record<string, string>, snapshot = false): void {
    this.res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    this.res.flushHeaders();
    const since = after === undefined ? undefined : { seq: after };
    const onSnapshot = snapshot ? (s: ChannelState) => formatSnapshot(this.channel, s) : undefined;
    this.peer
      .subscribe(
        this.channel,
        since,
        (extent, plan, withSnapshot) => {
          this.peer.send('retry: 2000\n\n');
          if (!plan.recovered && !withSnapshot) {
            this.peer.send(formatGap(this.channel, extent.epoch, extent.lastSeq));
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
      this.peer.send(`event: error\ndata: ${JSON.stringify(body)}\n\n`);
    }
    this.peer.close(CloseCode.InternalError, 'replay failed');
  }

  /** Sends a comment line so proxies keep the stream open. */
  keepAlive(): void {
    this.peer.send(': ping\n\n');
  }

  /** Ends the stream after what is queued (drain). Idempotent. */
  close(): void {
    this.peer.close(CloseCode.ServiceRestart, 'draining');
  }
}
