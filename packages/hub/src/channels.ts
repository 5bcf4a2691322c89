import type { Envelope } from '@herald/protocol';
import { ChannelSequencer } from './channel-sequencer.js';
import type { EncodedBatch } from './encoded-batch.js';
import type { EventStore } from './store/types.js';

/** Something that receives a channel's live events: a WebSocket subscription or an SSE stream. */
export interface ChannelSubscriber {
  /** Called once per broadcast with the shared, already-encoded batch. Must not throw. */
  deliver(batch: EncodedBatch): void;
}

interface ChannelEntry {
  readonly subs: Set<ChannelSubscriber>;
  readonly sequencer: ChannelSequencer;
}

/**
 * The node's local channel → subscribers index and the fan-out. Each broadcast encodes its envelopes once,
 * whatever the number of subscribers. A channel with local subscribers has a {@link ChannelSequencer}, so
 * its subscribers get every seq once, in order, even when the broker loses or reorders messages; the
 * sequencer (and its memory) goes when the last local subscriber does.
 */
export class ChannelRegistry {
  private readonly channels = new Map<string, ChannelEntry>();
  private subscriptionCount = 0;

  /**
   * @param store where missing seqs are read from.
   * @param onError reports a subscriber that threw, or a store read that failed.
   */
  constructor(
    private readonly store: EventStore,
    private readonly onError: (err: unknown) => void,
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
        (batch) => this.fanOut(subs, batch),
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

  /** Takes newly stored envelopes of one channel (in seq order) from the broker. */
  broadcast(channel: string, envelopes: readonly Envelope[]): void {
    this.channels.get(channel)?.sequencer.push(envelopes);
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

  private fanOut(subs: ReadonlySet<ChannelSubscriber>, batch: EncodedBatch): void {
    for (const sub of subs) {
      try {
        sub.deliver(batch);
      } catch (err) {
        // One broken subscriber must never stop the others from receiving.
        this.onError(err);
      }
    }
  }
}
