import type { Envelope } from '@herald/protocol';
import { EncodedBatch } from './encoded-batch.js';

/** Something that receives a channel's live events: a WebSocket subscription or an SSE stream. */
export interface ChannelSubscriber {
  /** Called once per broadcast with the shared, already-encoded batch. Must not throw. */
  deliver(batch: EncodedBatch): void;
}

/**
 * The node's local channel → subscribers index and the fan-out. Each broadcast encodes its envelopes once,
 * whatever the number of subscribers.
 */
export class ChannelRegistry {
  private readonly channels = new Map<string, Set<ChannelSubscriber>>();
  private subscriptionCount = 0;

  /** Starts delivering `channel`'s broadcasts to `sub`. */
  add(channel: string, sub: ChannelSubscriber): void {
    let subs = this.channels.get(channel);
    if (subs === undefined) {
      subs = new Set();
      this.channels.set(channel, subs);
    }
    if (!subs.has(sub)) {
      subs.add(sub);
      this.subscriptionCount++;
    }
  }

  /** Stops delivering to `sub`; forgets the channel when it has no subscriber left. */
  remove(channel: string, sub: ChannelSubscriber): void {
    const subs = this.channels.get(channel);
    if (subs?.delete(sub)) {
      this.subscriptionCount--;
      if (subs.size === 0) this.channels.delete(channel);
    }
  }

  /** Fans newly stored envelopes (in seq order) out to the channel's local subscribers. */
  broadcast(channel: string, envelopes: readonly Envelope[], onError: (err: unknown) => void): number {
    const subs = this.channels.get(channel);
    if (subs === undefined || envelopes.length === 0) return 0;
    const batch = new EncodedBatch(channel, envelopes);
    for (const sub of subs) {
      try {
        sub.deliver(batch);
      } catch (err) {
        // One broken subscriber must never stop the others from receiving.
        onError(err);
      }
    }
    return subs.size;
  }

  /** Subscriptions across all channels. */
  get size(): number {
    return this.subscriptionCount;
  }

  /** Channels with at least one subscriber. */
  get channelCount(): number {
    return this.channels.size;
  }
}
