import type { ChannelSubscriber } from '../channels.js';
import type { EncodedBatch } from '../encoded-batch.js';

/** The side of a peer a {@link PeerSubscription} writes to. */
export interface SubscriptionSink {
  /** Queues events that follow the subscription's last seq with no gap. */
  enqueueEvents(batch: EncodedBatch): void;
  /** Accounts bytes held while the subscription replays (they count against the send buffer limit). */
  holdPending(bytes: number): void;
  /** The live feed skipped seqs after `lastSeq`: never skip them silently. */
  feedBroken(channel: string, lastSeq: number, nextSeq: number): void;
}

/**
 * One channel subscription of one peer (WebSocket connection or SSE stream). It is registered for live
 * events before the replay starts; live batches are held until the replay is done, then everything after
 * the last replayed seq is sent. That is what makes replay-then-live gapless and duplicate-free.
 */
export class PeerSubscription implements ChannelSubscriber {
  /** Seq of the last event queued to the peer. */
  private lastSeq = 0;
  private active = true;
  private pending: EncodedBatch[] | null = [];

  constructor(
    private readonly sink: SubscriptionSink,
    readonly channel: string,
  ) {}

  /** False once unsubscribed or the peer closed. */
  get isActive(): boolean {
    return this.active;
  }

  /** Sets where delivery starts: events with a greater seq are sent. */
  startAfter(seq: number): void {
    this.lastSeq = seq;
  }

  /** @inheritdoc */
  deliver(batch: EncodedBatch): void {
    if (!this.active) return;
    if (this.pending !== null) {
      this.pending.push(batch);
      this.sink.holdPending(batch.bytes);
    } else {
      this.forward(batch);
    }
  }

  /** Queues the part of `batch` after the last seq sent (replay pages and live batches alike). */
  forward(batch: EncodedBatch): void {
    if (!this.active) return;
    const part = batch.after(this.lastSeq);
    if (part === null) return;
    if (part.firstSeq !== this.lastSeq + 1) {
      this.sink.feedBroken(this.channel, this.lastSeq, part.firstSeq);
      return;
    }
    this.lastSeq = part.lastSeq;
    this.sink.enqueueEvents(part);
  }

  /** Ends the replay phase: sends held live events newer than the last seq, then delivers directly. */
  goLive(): void {
    const held = this.pending;
    this.pending = null;
    if (held === null) return;
    for (const batch of held) {
      this.sink.holdPending(-batch.bytes);
      this.forward(batch);
    }
  }

  /** Stops delivery and releases held events. */
  cancel(): void {
    this.active = false;
    if (this.pending !== null) {
      for (const batch of this.pending) this.sink.holdPending(-batch.bytes);
      this.pending = null;
    }
  }
}
