import type { ChannelSubscriber } from './channels.js';
import type { EncodedBatch } from './encoded-batch.js';

/** The connection side a subscription writes to. */
export interface SubscriptionOwner {
  /** Queues the part of `batch` after `sub.lastSeq` for sending, and advances `sub.lastSeq`. */
  enqueueBatch(sub: Subscription, batch: EncodedBatch): void;
  /** Accounts bytes held while a subscription replays (they count against the send buffer limit). */
  holdPending(bytes: number): void;
}

/**
 * One channel subscription of one peer (WebSocket connection or SSE stream). It is registered for live events before the replay
 * starts; live batches are held in `pending` until the replay is done, then everything after the last
 * replayed seq is sent. That is what makes replay-then-live gapless and duplicate-free.
 */
export class Subscription implements ChannelSubscriber {
  /** Seq of the last event queued to the peer. */
  lastSeq = 0;
  /** False once unsubscribed or the connection closed. */
  active = true;
  private pending: EncodedBatch[] | null = [];

  constructor(
    private readonly owner: SubscriptionOwner,
    readonly channel: string,
  ) {}

  /** @inheritdoc */
  deliver(batch: EncodedBatch): void {
    if (!this.active) return;
    if (this.pending !== null) {
      this.pending.push(batch);
      this.owner.holdPending(batch.bytes);
    } else {
      this.owner.enqueueBatch(this, batch);
    }
  }

  /** Ends the replay phase: sends held live events newer than `lastSeq`, then delivers directly. */
  goLive(): void {
    const held = this.pending;
    this.pending = null;
    if (held === null) return;
    for (const batch of held) {
      this.owner.holdPending(-batch.bytes);
      if (this.active) this.owner.enqueueBatch(this, batch);
    }
  }

  /** Stops delivery and releases held events. */
  cancel(): void {
    this.active = false;
    if (this.pending !== null) {
      for (const batch of this.pending) this.owner.holdPending(-batch.bytes);
      this.pending = null;
    }
  }
}
