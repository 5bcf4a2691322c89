import { type Envelope, type JsonValue, planResume, type SincePosition } from '@herald/protocol';
import type { SourceResume } from './types.js';

/** A backend message mapped to what a Herald event needs, before the source numbers it. */
export interface Incoming {
  readonly channel: string;
  readonly id: string;
  readonly type: string;
  readonly data: JsonValue;
  readonly ts: string;
  readonly order?: number;
}

/** One channel as the source has delivered it, across connections. */
interface ChannelLedger {
  seq: number;
  last: SourceResume | null;
  /** The highest backend order delivered, if the mapping gives orders. */
  order?: number;
  /** The last `window` ids delivered, oldest first, with a set for lookups. */
  readonly ids: Set<string>;
  readonly fifo: string[];
}

/**
 * What a source has delivered on each channel, kept for the source's whole life so that seq numbers go on
 * across reconnects (the client resumes from `{epoch, seq}`) and a backend's repeats are dropped.
 */
export interface Ledger {
  /** This source's epoch: a Herald position from another source (or a reload) is never resumed. */
  readonly epoch: string;
  /** The channel's last seq, 0 before its first event. */
  seq(channel: string): number;
  /** Where the channel's last delivered event stands, or null before its first. */
  resume(channel: string): SourceResume | null;
  /** Numbers `message` as its channel's next event, or returns null when it repeats one delivered before. */
  accept(message: Incoming): Envelope | null;
  /**
   * The source stopped following `channel` (its connection ended, or the client unsubscribed), so
   * messages may have passed it by; {@link Ledger.resumed} then needs the backend to replay them.
   */
  interrupt(channel: string): void;
  /**
   * Whether a subscribe from `since` continues with nothing missed, by the protocol's resume rule over
   * what the source holds (no history: only its last position), and only when it followed the channel
   * ever since or the backend replays (`replays`). Either way the channel is followed again from now.
   */
  resumed(channel: string, since: SincePosition | undefined, replays: boolean): boolean;
}

/** Creates an empty ledger remembering `window` ids per channel. */
export function createLedger(window: number, epoch: string): Ledger {
  const channels = new Map<string, ChannelLedger>();
  const interrupted = new Set<string>();
  const get = (channel: string): ChannelLedger => {
    let ledger = channels.get(channel);
    if (!ledger) {
      ledger = { seq: 0, last: null, ids: new Set(), fifo: [] };
      channels.set(channel, ledger);
    }
    return ledger;
  };
  return {
    epoch,
    seq: (channel) => channels.get(channel)?.seq ?? 0,
    resume: (channel) => channels.get(channel)?.last ?? null,
    interrupt: (channel) => interrupted.add(channel),
    resumed(channel, since, replays) {
      const lastSeq = channels.get(channel)?.seq ?? 0;
      const missed = interrupted.delete(channel) && !replays;
      return planResume({ epoch, firstSeq: lastSeq + 1, lastSeq }, since).recovered && !missed;
    },
    accept({ channel, id, type, data, ts, order }) {
      const ledger = get(channel);
      const lastOrder = ledger.order;
      if (ledger.ids.has(id) || (order !== undefined && lastOrder !== undefined && order <= lastOrder))
        return null;
      if (order !== undefined) ledger.order = order;
      ledger.ids.add(id);
      ledger.fifo.push(id);
      if (ledger.fifo.length > window) ledger.ids.delete(ledger.fifo.shift()!);
      const seq = ++ledger.seq;
      ledger.last = { lastId: id, seq, ...(ledger.order !== undefined && { lastOrder: ledger.order }) };
      return { channel, seq, id, ts, type, data };
    },
  };
}
