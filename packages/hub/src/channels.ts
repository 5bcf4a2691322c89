import type { Envelope, HistoryExtent } from '@herald/protocol';
import { ChannelSequencer } from './channel-sequencer.js';
import type { EncodedBatch } from './encoded-batch.js';
import type { EventStore } from './store/types.js';

/** Something that receives a channel's live events: a WebSocket subscription or an SSE stream. */
export interface ChannelSubscriber {
  /**
   * Called once per broadcast with the shared, already-encoded batch of history `epoch` (null while the
   * node does not know it). Must not throw.
   */
  deliver(batch: EncodedBatch, epoch: string | null): void;
  /**
   * The channel's history was reset: from now on batches are of `epoch`, whose seqs start again. A
   * subscriber still in another epoch must never mix the two. Must not throw.
   */
  historyReset(epoch: string): void;
}

/**
 * Called once per node and channel when the channel's history is found reset (`from`, null when unknown,
 * to `to.epoch`), with the number of local subscribers told.
 */
export type HistoryResetListener = (
  channel: string,
  from: string | null,
  to: HistoryExtent,
  subscribers: number,
) => void;

interface ChannelEntry {
  readonly subs: Set<ChannelSubscriber>;
  readonly sequencer: ChannelSequencer;
}

/**
 * The node's local channel → subscribers index and the fan-out. Each broadcast encodes its envelopes once,
 * whatever the number of subscribers. A channel with local subscribers has a {@link ChannelSequencer}, so
 * its subscribers get every seq once, in order, even when the broker loses or reorders messages; the
 * sequencer (and its memory) goes when the last local subscriber does. A history reset the sequencer finds
 * reaches every local subscriber of the channel ({@link ChannelSubscriber.historyReset}).
 */
export class ChannelRegistry {
  private readonly channels = new Map<string, ChannelEntry>();
  private subscriptionCount = 0;

  /**
   * @param store where missing seqs are read from.
   * @param onError reports a subscriber that threw, or a store read that failed.
   * @param onReset told of each history reset found (for the log and the metric).
   */
  constructor(
    private readonly store: EventStore,
    private readonly onError: (err: unknown) => void,
    private readonly onReset: HistoryResetListener = () => {},
  ) {}

  /**
   * Starts delivering `channel`'s broadcasts to `sub`. Call it before asking the store for the
   * subscriber's replay position, so the live feed and the replay meet with no gap.
   */
  add(channel: string, sub: ChannelSubscriber): void {
    let entry = this.channels.get(channel);
    if (entry === undefined) {
      const subs = new Set<ChannelSubscriber>();
      const sequencer = new ChannelSequencer(
        channel,
        this.store,
        {
          deliver: (batch, epoch) => this.fanOut(subs, batch, epoch),
          reset: (from, to) => this.resetAll(channel, subs, from, to),
        },
        this.onError,
      );
      entry = { subs, sequencer };
      this.channels.set(channel, entry);
    }
    if (!entry.subs.has(sub)) {
      entry.subs.add(sub);
      this.subscriptionCount++;
    }
  }

  /** Stops delivering to `sub`; forgets the channel when it has no subscriber left. */
  remove(channel: string, sub: ChannelSubscriber): void {
    const entry = this.channels.get(channel);
    if (entry?.subs.delete(sub)) {
      this.subscriptionCount--;
      if (entry.subs.size === 0) {
        entry.sequencer.stop();
        this.channels.delete(channel);
      }
    }
  }

  /** Takes newly stored envelopes of one channel (in seq order, of `epoch` when named) from the broker. */
  broadcast(channel: string, envelopes: readonly Envelope[], epoch?: string): void {
    this.channels.get(channel)?.sequencer.push(envelopes, epoch);
  }

  /**
   * Has every channel with local subscribers compare what it delivered with the store
   * ({@link ChannelSequencer.recheck}): for when the broker's subscription came back and announcements
   * made meanwhile (or a reset of the store) may have gone unheard.
   */
  recheck(): void {
    for (const entry of this.channels.values()) entry.sequencer.recheck();
  }

  /** Stops every channel's sequencer (the hub is closing; pending store reads deliver nothing). */
  close(): void {
    for (const entry of this.channels.values()) entry.sequencer.stop();
  }

  /** Subscriptions across all channels. */
  get size(): number {
    return this.subscriptionCount;
  }

  /** Channels with at least one subscriber. */
  get channelCount(): number {
    return this.channels.size;
  }

  private fanOut(subs: ReadonlySet<ChannelSubscriber>, batch: EncodedBatch, epoch: string | null): void {
    for (const sub of subs) {
      try {
        sub.deliver(batch, epoch);
      } catch (err) {
        // One broken subscriber must never stop the others from receiving.
        this.onError(err);
      }
    }
  }

  private resetAll(
    channel: string,
    subs: ReadonlySet<ChannelSubscriber>,
    from: string | null,
    to: HistoryExtent,
  ): void {
    // A copy: subscribers leave (a closed connection) or start again (an SSE stream) while being told.
    const told = [...subs];
    this.onReset(channel, from, to, told.length);
    for (const sub of told) {
      try {
        sub.historyReset(to.epoch);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
