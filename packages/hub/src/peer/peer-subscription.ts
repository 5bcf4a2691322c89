import type { ChannelSubscriber } from '../channels.js';
import type { EncodedBatch } from '../encoded-batch.js';
import type { ChannelState } from '../store/types.js';

/** The side of a peer a {@link PeerSubscription} writes to. */
export interface SubscriptionSink {
  /** Queues events that follow the subscription's last seq with no gap. */
  enqueueEvents(batch: EncodedBatch): void;
  /** Accounts bytes held while the subscription replays (they count against the send buffer limit). */
  holdPending(bytes: number): void;
  /** The live feed skipped seqs after `lastSeq`: never skip them silently. */
  feedBroken(channel: string, lastSeq: number, nextSeq: number): void;
  /**
   * The channel's history was reset under `sub` (it delivered another epoch's events): never mix the two.
   * `sub` delivers nothing more; the peer either closes (the client resumes and sees `recovered: false`) or
   * tells the subscriber in band and subscribes the channel again from the new history.
   */
  historyReset(sub: PeerSubscription): void;
}

/** A live batch held during the replay, with its epoch. */
interface Held {
  readonly batch: EncodedBatch;
  readonly epoch: string | null;
}

/**
 * One channel subscription of one peer (WebSocket connection or SSE stream). It is registered for live
 * events before the replay starts; live batches are held until the replay is done, then everything after
 * the last replayed seq is sent. That is what makes replay-then-live gapless and duplicate-free.
 *
 * It knows the epoch it delivers ({@link startAfter}). Live batches of another epoch are not its history
 * and are dropped: they are either older (they crossed a reset) or newer, and then the node's sequencer
 * announces the reset ({@link historyReset}) once it delivered them, which ends this subscription.
 */
export class PeerSubscription implements ChannelSubscriber {
  /** Seq of the last event queued to the peer. */
  private lastSeq = 0;
  /** The epoch of `lastSeq`; null until the resume position is known. */
  private epoch: string | null = null;
  private active = true;
  private pending: Held[] | null = [];

  /**
   * @param snapshot the subscription asked for the channel's state first: how it is encoded (a subscription
   *   started again after a reset asks for it again).
   */
  constructor(
    private readonly sink: SubscriptionSink,
    readonly channel: string,
    readonly snapshot?: (state: ChannelState) => string,
  ) {}

  /** False once unsubscribed or the peer closed. */
  get isActive(): boolean {
    return this.active;
  }

  /** Sets where delivery starts: events of `epoch` with a greater seq are sent. */
  startAfter(seq: number, epoch: string): void {
    this.lastSeq = seq;
    this.epoch = epoch;
  }

  /** @inheritdoc */
  deliver(batch: EncodedBatch, epoch: string | null): void {
    if (!this.active) return;
    if (this.pending !== null) {
      this.pending.push({ batch, epoch });
      this.sink.holdPending(batch.bytes);
    } else {
      this.forwardLive(batch, epoch);
    }
  }

  /** @inheritdoc */
  historyReset(epoch: string): void {
    // Already in the new history (it subscribed after the reset): nothing to tell.
    if (!this.active || this.epoch === epoch) return;
    this.sink.historyReset(this);
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
    // Released first: forwarding may close the peer, which must find nothing left to release.
    for (const { batch } of held) this.sink.holdPending(-batch.bytes);
    for (const { batch, epoch } of held) this.forwardLive(batch, epoch);
  }

  /** Stops delivery and releases held events. */
  cancel(): void {
    this.active = false;
    if (this.pending !== null) {
      for (const { batch } of this.pending) this.sink.holdPending(-batch.bytes);
      this.pending = null;
    }
  }

  /** A live batch: forwarded when it is of this subscription's history (or either epoch is unknown). */
  private forwardLive(batch: EncodedBatch, epoch: string | null): void {
    if (epoch !== null && this.epoch !== null && epoch !== this.epoch) return;
    this.forward(batch);
  }
}
