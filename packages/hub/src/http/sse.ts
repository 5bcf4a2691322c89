import { type Envelope, ErrorCode } from '@herald/protocol';
import type { HubContext } from '../context.js';
import type { EncodedBatch } from '../encoded-batch.js';
import { planResume, replayRange } from '../replay.js';
import { Subscription, type SubscriptionOwner } from '../subscription.js';

const encoder = new TextEncoder();

// SSE fields end at a newline, so an event type must not carry one.
function sseType(type: string): string {
  return type.replace(/[\r\n]/g, ' ');
}

/** Formats a batch as SSE events: `id: <seq>`, `event: <type>`, `data: <envelope JSON>`. */
export function formatSse(envelopes: readonly Envelope[], encoded: readonly string[]): string {
  let out = '';
  for (let i = 0; i < envelopes.length; i++) {
    const e = envelopes[i];
    if (e !== undefined) out += `id: ${e.seq}\nevent: ${sseType(e.type)}\ndata: ${encoded[i]}\n\n`;
  }
  return out;
}

/**
 * One SSE stream on one channel. It is a {@link SubscriptionOwner} like a WebSocket connection, so it
 * shares the gapless replay-then-live logic; its send buffer is the response stream's queue.
 */
export class SseStream implements SubscriptionOwner {
  readonly body: ReadableStream<Uint8Array>;
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private closed = false;
  private pendingBytes = 0;
  private readonly sub: Subscription;

  constructor(
    private readonly ctx: HubContext,
    readonly channel: string,
    private readonly onGone: (s: SseStream) => void,
  ) {
    this.sub = new Subscription(this, channel);
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        cancel: () => this.close(),
      },
      new ByteLengthQueuingStrategy({ highWaterMark: ctx.config.limits.maxBufferedBytes }),
    );
  }

  /** Registers for live events, writes a gap notice if needed, replays `(after, lastSeq]`, then goes live. */
  async start(after: number | undefined): Promise<void> {
    const { registry, store } = this.ctx;
    registry.add(this.channel, this.sub);
    try {
      const plan = planResume(
        await store.info(this.channel),
        after === undefined ? undefined : { seq: after },
      );
      this.sub.lastSeq = plan.from;
      this.write('retry: 2000\n\n');
      if (!plan.recovered) {
        const gap = {
          channel: this.channel,
          epoch: plan.info.epoch,
          lastSeq: plan.info.lastSeq,
          recovered: false,
        };
        this.write(`event: gap\ndata: ${JSON.stringify(gap)}\n\n`);
      }
      await replayRange(store, this.channel, plan.from, plan.info.lastSeq, async (batch) => {
        this.enqueueBatch(this.sub, batch);
        await this.writable();
        return !this.closed;
      });
      this.sub.goLive();
    } catch (err) {
      this.ctx.logger.warn({ err, channel: this.channel }, 'sse replay failed');
      this.close();
    }
  }

  /** @inheritdoc */
  enqueueBatch(sub: Subscription, batch: EncodedBatch): void {
    const part = batch.after(sub.lastSeq);
    if (part === null || this.closed) return;
    if (part.firstSeq !== sub.lastSeq + 1) {
      // Seqs lost on the live feed: end the stream so the reader resumes with Last-Event-ID.
      this.ctx.logger.warn({ channel: this.channel, after: sub.lastSeq }, 'live feed skipped seqs');
      this.close();
      return;
    }
    sub.lastSeq = part.lastSeq;
    this.ctx.metrics.eventsDelivered += part.envelopes.length;
    this.write(formatSse(part.envelopes, part.encoded));
  }

  /** @inheritdoc */
  holdPending(bytes: number): void {
    this.pendingBytes += bytes;
    if (bytes > 0 && this.pendingBytes > this.ctx.config.limits.maxBufferedBytes) this.slowConsumer();
  }

  /** Sends a comment line so proxies keep the stream open. */
  keepAlive(): void {
    this.write(': ping\n\n');
  }

  private write(text: string): void {
    const c = this.controller;
    if (this.closed || c === undefined) return;
    const bytes = encoder.encode(text);
    c.enqueue(bytes);
    this.ctx.metrics.bytesSent += bytes.byteLength;
    if ((c.desiredSize ?? 0) < 0) this.slowConsumer();
  }

  private async writable(): Promise<void> {
    const low = this.ctx.config.limits.maxBufferedBytes / 2;
    while (!this.closed && (this.controller?.desiredSize ?? 0) < low) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private slowConsumer(): void {
    if (this.closed) return;
    this.ctx.metrics.slowConsumerDisconnects++;
    this.ctx.metrics.error(ErrorCode.SlowConsumer);
    this.close(true);
  }

  /** Ends the stream and unsubscribes. `discard` drops what is still queued (slow consumer). Idempotent. */
  close(discard = false): void {
    if (this.closed) return;
    this.closed = true;
    this.sub.cancel();
    this.ctx.registry.remove(this.channel, this.sub);
    try {
      if (discard) this.controller?.error(new Error('slow consumer'));
      else this.controller?.close();
    } catch {
      // Already closed or errored by the consumer.
    }
    this.onGone(this);
  }
}
