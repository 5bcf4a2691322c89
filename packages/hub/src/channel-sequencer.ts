import type { Envelope } from '@herald/protocol';
import { EncodedBatch } from './encoded-batch.js';
import { replayRange } from './replay.js';
import type { EventStore } from './store/types.js';

/**
 * Makes one channel's live feed on this node gapless, ordered and duplicate-free, whatever the broker
 * does. It remembers the last seq it delivered; a batch that starts past `last + 1` first has the missing
 * range read from the store and delivered; seqs at or below `last` are dropped as duplicates. Batches that
 * arrive while a store read is in flight queue behind it, so fills never overtake each other.
 *
 * This is what lets the broker stay at-most-once (Redis pub/sub): a message lost between nodes, or two
 * nodes' announcements crossing, cost a store read instead of a hole in every subscriber's stream.
 */
export class ChannelSequencer {
  /** Seq of the last envelope delivered; `null` until known (then the next batch is taken as is). */
  private last: number | null = null;
  private readonly queue: (readonly Envelope[])[] = [];
  /** True while starting or draining `queue`: new batches must queue so order holds. */
  private busy = true;
  private stopped = false;

  /**
   * Starts tracking from the store's current `lastSeq`: events already stored reach new subscribers
   * through their own replay, not through the live feed. The store is asked synchronously, before any
   * subscriber asks it for its replay position, so no event falls between the two.
   */
  constructor(
    private readonly channel: string,
    private readonly store: EventStore,
    private readonly deliver: (batch: EncodedBatch) => void,
    private readonly onError: (err: unknown) => void,
  ) {
    void this.start();
  }

  /** Accepts a broker batch (ascending seqs) and delivers it, after whatever it shows to be missing. */
  push(envelopes: readonly Envelope[]): void {
    if (this.stopped || envelopes.length === 0) return;
    if (!this.busy) {
      const fresh = this.fresh(envelopes);
      if (fresh === null) return;
      // The hot path: the next seq, nothing queued: deliver synchronously.
      if (this.last === null || fresh[0]?.seq === this.last + 1) {
        this.emit(new EncodedBatch(this.channel, fresh));
        return;
      }
      this.queue.push(fresh);
      this.busy = true;
      void this.pump();
      return;
    }
    this.queue.push(envelopes);
  }

  /** Stops delivering and forgets queued batches (the channel has no local subscriber left). */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private async start(): Promise<void> {
    try {
      this.last = (await this.store.info(this.channel)).lastSeq;
    } catch (err) {
      // Without a position, trust the next batch; later gaps are still filled.
      this.onError(err);
    }
    await this.pump();
  }

  private async pump(): Promise<void> {
    try {
      for (let batch = this.queue.shift(); batch !== undefined; batch = this.queue.shift()) {
        if (this.stopped) return;
        const first = batch[0]?.seq;
        if (this.last !== null && first !== undefined && first > this.last + 1) await this.fill(first - 1);
        if (this.stopped) return;
        const fresh = this.fresh(batch);
        if (fresh !== null) this.emit(new EncodedBatch(this.channel, fresh));
      }
    } catch (err) {
      this.onError(err);
    } finally {
      this.busy = false;
    }
  }

  /** Reads and delivers `(last, upTo]` from the store. A range the store no longer holds stays a hole. */
  private async fill(upTo: number): Promise<void> {
    const from = this.last ?? upTo;
    try {
      await replayRange(this.store, this.channel, from, upTo, (batch) => {
        if (this.stopped) return false;
        this.emit(batch);
        return true;
      });
    } catch (err) {
      this.onError(err);
    }
    if (!this.stopped && (this.last ?? upTo) < upTo) {
      this.onError(
        new Error(`channel ${this.channel}: seq ${(this.last ?? 0) + 1}..${upTo} not in the store; skipped`),
      );
    }
  }

  /** The part of `envelopes` after `last` (the array itself when nothing is cut), or null if none. */
  private fresh(envelopes: readonly Envelope[]): readonly Envelope[] | null {
    const last = this.last;
    const end = envelopes[envelopes.length - 1];
    if (end === undefined) return null;
    if (last === null || (envelopes[0]?.seq ?? 0) > last) return envelopes;
    if (end.seq <= last) return null;
    return envelopes.filter((e) => e.seq > last);
  }

  private emit(batch: EncodedBatch): void {
    this.last = batch.lastSeq;
    this.deliver(batch);
  }
}
