import type { Envelope } from '@herald/protocol';

/** Options of {@link createReorderer}. */
export interface ReordererOptions {
  /**
   * How long a channel waits for a missing seq before giving up on it and delivering what it holds.
   * @default 100
   */
  readonly holdMs?: number;
  /**
   * Channels whose position is remembered; beyond it, idle ones are forgotten (their next batch is taken
   * as is).
   * @default 10000
   */
  readonly maxChannels?: number;
}

/** Puts batches of one channel back into seq order. */
export interface Reorderer {
  /** Accepts a batch (ascending seqs) and delivers it, and anything it unblocks, in seq order. */
  push(channel: string, envelopes: readonly Envelope[]): void;
  /** Delivers everything held and stops all timers. */
  close(): void;
}

interface ChannelOrder {
  /** The seq expected next. */
  next: number;
  /** Batches that arrived ahead of a missing seq, sorted by first seq. */
  held: (readonly Envelope[])[];
  timer: NodeJS.Timeout | undefined;
}

/**
 * Seq-orders batches that reach a node from several publishers. Two hub nodes appending to one channel get
 * consecutive seqs from the shared store, but their broker messages can cross on the way; without this a
 * third node would forward seq 6 before seq 5. A batch that is behind the delivered position (it was given
 * up on, or is a repeat) is dropped: delivering it late would break order, and subscribers recover the
 * hole from the store.
 */
export function createReorderer(
  deliver: (channel: string, envelopes: readonly Envelope[]) => void,
  options: ReordererOptions = {},
): Reorderer {
  const holdMs = options.holdMs ?? 100;
  const maxChannels = options.maxChannels ?? 10_000;
  const channels = new Map<string, ChannelOrder>();

  function emit(channel: string, order: ChannelOrder, batch: readonly Envelope[]): void {
    const fresh =
      batch[0] !== undefined && batch[0].seq >= order.next ? batch : batch.filter((e) => e.seq >= order.next);
    const last = fresh[fresh.length - 1];
    if (last === undefined) return;
    order.next = last.seq + 1;
    deliver(channel, fresh);
  }

  function drain(channel: string, order: ChannelOrder): void {
    for (
      let head = order.held[0];
      head?.[0] !== undefined && head[0].seq <= order.next;
      head = order.held[0]
    ) {
      order.held.shift();
      emit(channel, order, head);
    }
    if (order.held.length === 0 && order.timer !== undefined) {
      clearTimeout(order.timer);
      order.timer = undefined;
    }
  }

  /** Stops waiting for the earliest missing seq: moves past it and delivers what that unblocks. */
  function skipHole(channel: string, order: ChannelOrder): void {
    const first = order.held[0]?.[0];
    if (first !== undefined) order.next = first.seq;
    drain(channel, order);
  }

  function giveUp(channel: string, order: ChannelOrder): void {
    order.timer = undefined;
    skipHole(channel, order);
    // A later hole among the held batches gets its own full wait.
    if (order.held.length > 0) order.timer = setTimeout(() => giveUp(channel, order), holdMs).unref();
  }

  function remember(channel: string, order: ChannelOrder): void {
    if (channels.size >= maxChannels) {
      for (const [name, o] of channels) {
        if (o.held.length === 0) {
          channels.delete(name);
          break;
        }
      }
    }
    channels.set(channel, order);
  }

  return {
    push(channel, envelopes) {
      const first = envelopes[0];
      const last = envelopes[envelopes.length - 1];
      if (first === undefined || last === undefined) return;
      const order = channels.get(channel);
      if (order === undefined) {
        remember(channel, { next: last.seq + 1, held: [], timer: undefined });
        deliver(channel, envelopes);
        return;
      }
      if (last.seq < order.next) return;
      if (first.seq <= order.next) {
        emit(channel, order, envelopes);
        drain(channel, order);
        return;
      }
      const at = order.held.findIndex((b) => (b[0]?.seq ?? 0) > first.seq);
      order.held.splice(at < 0 ? order.held.length : at, 0, envelopes);
      order.timer ??= setTimeout(() => giveUp(channel, order), holdMs).unref();
    },
    close() {
      for (const [channel, order] of channels) {
        if (order.timer !== undefined) clearTimeout(order.timer);
        order.timer = undefined;
        while (order.held.length > 0) skipHole(channel, order);
      }
      channels.clear();
    },
  };
}
