import type { Envelope, HistoryExtent } from '@herald/protocol';
import { EncodedBatch } from './encoded-batch.js';
import { replayRange } from './replay.js';
import type { EventStore } from './store/types.js';

/** A broker batch waiting its turn, with the epoch it was stored in (undefined: the broker named none). */
interface Pending {
  readonly envelopes: readonly Envelope[];
  readonly epoch: string | undefined;
}

/** Queued by {@link ChannelSequencer.recheck}: compare with the store, in turn with the batches. */
const RECHECK = 'recheck';

/** What a {@link ChannelSequencer} hands on: batches in order, and the resets between two histories. */
export interface SequencerOutput {
  /** A batch that follows the last one with no gap, of `epoch` (null while the epoch is unknown). */
  deliver(batch: EncodedBatch, epoch: string | null): void;
  /**
   * The channel's history was reset: it is now `to.epoch` (`from` was the one delivered so far, null when
   * unknown). Called after the batches of the new history that were already stored were delivered.
   */
  reset(from: string | null, to: HistoryExtent): void;
}

/**
 * Makes one channel's live feed on this node gapless, ordered and duplicate-free, whatever the broker
 * does. It remembers the last seq it delivered; a batch that starts past `last + 1` first has the missing
 * range read from the store and delivered; seqs at or below `last` are dropped as duplicates. Batches that
 * arrive while a store read is in flight queue behind it, so fills never overtake each other.
 *
 * This is what lets the broker stay at-most-once (Redis pub/sub): a message lost between nodes, or two
 * nodes' announcements crossing, cost a store read instead of a hole in every subscriber's stream.
 *
 * Seqs are only comparable within one epoch. A batch of another epoch than the one delivered so far is
 * checked against the store: if the store's history is still the known one, the batch is from an older
 * history (it crossed the reset) and is dropped; otherwise the history was reset (Redis came back empty, a
 * key was deleted). Then the sequencer delivers the new history from its first retained seq (read from the
 * store), tells `reset`, and goes on in the new epoch. Never a silent mix of two histories.
 */
export class ChannelSequencer {
  /** Seq of the last envelope delivered; `null` until known (then the next batch is taken as is). */
  private last: number | null = null;
  /** The epoch `last` belongs to; `null` until known (then the next batch's is taken). */
  private epoch: string | null = null;
  private readonly queue: (Pending | typeof RECHECK)[] = [];
  /** True while starting or draining `queue`: new batches must queue so order holds. */
  private busy = true;
  private stopped = false;

  /**
   * Starts tracking from the store's current position: events already stored reach new subscribers
   * through their own replay, not through the live feed. The store is asked synchronously, before any
   * subscriber asks it for its replay position, so no event falls between the two.
   */
  constructor(
    private readonly channel: string,
    private readonly store: EventStore,
    private readonly output: SequencerOutput,
    private readonly onError: (err: unknown) => void,
  ) {
    void this.start();
  }

  /** Accepts a broker batch (ascending seqs) of `epoch`; delivers it after whatever it shows to be missing. */
  push(envelopes: readonly Envelope[], epoch?: string): void {
    if (this.stopped || envelopes.length === 0) return;
    if (!this.busy) {
      if (this.ofKnownEpoch(epoch)) {
        const fresh = this.fresh(envelopes);
        if (fresh === null) return;
        // The hot path: the next seq, nothing queued: deliver synchronously.
        if (this.last === null || fresh[0]?.seq === this.last + 1) {
          this.adopt(epoch);
          this.emit(new EncodedBatch(this.channel, fresh));
          return;
        }
        this.queue.push({ envelopes: fresh, epoch });
      } else {
        this.queue.push({ envelopes, epoch });
      }
      this.busy = true;
      void this.pump();
      return;
    }
    this.queue.push({ envelopes, epoch });
  }

  /**
   * Compares what was delivered with the store, as if a batch had arrived: a store of another epoch is a
   * reset (as in `changeEpoch`), events stored past the last one delivered are delivered. For when the
   * broker may have lost announcements (its subscription came back), so a quiet channel does not wait for
   * its next event. Runs in turn with queued batches; a recheck already waiting covers a second one.
   */
  recheck(): void {
    if (this.stopped || this.queue.includes(RECHECK)) return;
    this.queue.push(RECHECK);
    if (!this.busy) {
      this.busy = true;
      void this.pump();
    }
  }

  /** Stops delivering and forgets queued batches (the channel has no local subscriber left). */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private async start(): Promise<void> {
    try {
      const info = await this.store.info(this.channel);
      this.last = info.lastSeq;
      this.epoch = info.epoch;
    } catch (err) {
      // Without a position, trust the next batch; later gaps are still filled.
      this.onError(err);
    }
    await this.pump();
  }

  private async pump(): Promise<void> {
    try {
      for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
        if (this.stopped) return;
        if (item === RECHECK) {
          await this.compareWithStore();
          continue;
        }
        if (!this.ofKnownEpoch(item.epoch) && !(await this.changeEpoch(item.epoch))) continue;
        if (this.stopped) return;
        const first = item.envelopes[0]?.seq;
        if (this.last !== null && first !== undefined && first > this.last + 1) await this.fill(first - 1);
        if (this.stopped) return;
        const fresh = this.fresh(item.envelopes);
        if (fresh !== null) {
          this.adopt(item.epoch);
          this.emit(new EncodedBatch(this.channel, fresh));
        }
      }
    } catch (err) {
      this.onError(err);
    } finally {
      this.busy = false;
    }
  }

  /** Whether a batch of `epoch` continues what was delivered (an unnamed or still unknown epoch does). */
  private ofKnownEpoch(epoch: string | undefined): boolean {
    return epoch === undefined || this.epoch === null || epoch === this.epoch;
  }

  /** Takes the epoch of the first batch when the store could not tell it at start. */
  private adopt(epoch: string | undefined): void {
    if (this.epoch === null && epoch !== undefined) this.epoch = epoch;
  }

  /**
   * A batch of `epoch` arrived while `this.epoch` was delivered: asks the store which history is current.
   * The known one: the batch is older (it crossed a reset) and is dropped. Another: the history was reset;
   * the new one is delivered from its first retained seq, subscribers are told, and the batch goes on if it
   * is of the new history. Returns whether the batch is to be delivered.
   */
  private async changeEpoch(epoch: string | undefined): Promise<boolean> {
    let info: HistoryExtent;
    try {
      info = await this.store.info(this.channel);
    } catch (err) {
      // Which history is current cannot be told: drop the batch; the next one asks again.
      this.onError(err);
      return false;
    }
    if (this.stopped || info.epoch === this.epoch) return false;
    return (await this.resetTo(info)) && epoch === info.epoch;
  }

  /** The store's history is `info`, not the one delivered: delivers it from its start and tells `reset`. */
  private async resetTo(info: HistoryExtent): Promise<boolean> {
    const from = this.epoch;
    this.epoch = info.epoch;
    this.last = info.firstSeq - 1;
    await this.fill(info.lastSeq);
    if (this.stopped) return false;
    this.output.reset(from, info);
    return true;
  }

  /** The work of {@link recheck}: a reset, or the events stored past `last`, or nothing. */
  private async compareWithStore(): Promise<void> {
    // Without a known position there is nothing to compare; the next batch is taken as is.
    if (this.epoch === null || this.last === null) return;
    let info: HistoryExtent;
    try {
      info = await this.store.info(this.channel);
    } catch (err) {
      this.onError(err);
      return;
    }
    if (this.stopped) return;
    if (info.epoch !== this.epoch) await this.resetTo(info);
    else if (info.lastSeq > this.last) await this.fill(info.lastSeq);
  }

  /** Reads and delivers `(last, upTo]` from the store. A range the store no longer holds stays a hole. */
  private async fill(upTo: number): Promise<void> {
    const from = this.last ?? upTo;
    try {
      await replayRange(
        this.store,
        this.channel,
        from,
        upTo,
        (batch) => {
          if (this.stopped) return false;
          this.emit(batch);
          return true;
        },
        this.epoch ?? undefined,
      );
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
    this.output.deliver(batch, this.epoch);
  }
}
