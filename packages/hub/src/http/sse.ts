import type { ServerResponse } from 'node:http';
import { CloseCode, type Envelope } from '@herald/protocol';
import type { HubContext } from '../context.js';
import type { EncodedBatch } from '../encoded-batch.js';
import { onceDrained } from '../peer/drain.js';
import { Peer } from '../peer/peer.js';
import type { HubSocket, PeerFraming } from '../peer/socket.js';

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

/** SSE has no frames: a backlog of batches is simply their events one after another. */
const SSE_FRAMING: PeerFraming = {
  batch: formatBatch,
  pack: (batches) => batches.map(formatBatch).join(''),
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
   * the position cannot be resumed, the replay of `(after, lastSeq]`, then live events.
   */
  start(after: number | undefined, headers: Record<string, string>): void {
    this.res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    this.res.flushHeaders();
    const since = after === undefined ? undefined : { seq: after };
    this.peer
      .subscribe(this.channel, since, (extent, plan) => {
        this.peer.send('retry: 2000\n\n');
        if (!plan.recovered) {
          const gap = {
            channel: this.channel,
            epoch: extent.epoch,
            lastSeq: extent.lastSeq,
            recovered: false,
          };
          this.peer.send(`event: gap\ndata: ${JSON.stringify(gap)}\n\n`);
        }
      })
      .catch((err: unknown) => {
        this.ctx.logger.warn({ err, channel: this.channel }, 'sse replay failed');
        this.peer.close(CloseCode.InternalError, 'replay failed');
      });
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
