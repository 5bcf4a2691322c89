import type {
  Envelope,
  Position,
  SincePosition,
  SubscribedMessage,
  SubscribeMessage,
} from '@herald/protocol';
import type { GapInfo, SubscribedInfo, SubscribeOptions } from './types.js';

/** One channel this client wants: its local subscribers and the last position delivered to them. */
export interface ChannelEntry {
  readonly channel: string;
  readonly subscribers: Set<SubscribeOptions<never>>;
  /** Last event delivered, or null before the first `subscribed`. */
  position: Position | null;
  /** The first subscriber's resume point, used until a position is known. */
  readonly since: SincePosition | undefined;
  /** Request id of the subscribe in flight on the current connection. */
  rid: string | null;
  /** Subscribed on the current connection (events are accepted only then). */
  live: boolean;
  /** The last `subscribed` answer, replayed to late subscribers. */
  info: SubscribedInfo | null;
}

/** What to do with an incoming event. */
export type Verdict = 'deliver' | 'duplicate' | 'hole' | 'ignore';

/** Creates an entry for `channel`. */
export function createEntry(channel: string, since: SincePosition | undefined): ChannelEntry {
  return { channel, subscribers: new Set(), position: null, since, rid: null, live: false, info: null };
}

/** The `subscribe` message that resumes `entry` from its last position (or its initial `since`). */
export function subscribeMessage(entry: ChannelEntry, rid: string): SubscribeMessage {
  entry.rid = rid;
  entry.live = false;
  const since = entry.position ?? entry.since;
  return since
    ? { type: 'subscribe', rid, channel: entry.channel, since }
    : { type: 'subscribe', rid, channel: entry.channel };
}

/**
 * Applies a `subscribed` answer: the entry goes live and its position is set. Returns the gap to raise when
 * the requested position could not be recovered, once, after which delivery continues from `lastSeq`.
 */
export function applySubscribed(entry: ChannelEntry, m: SubscribedMessage): GapInfo | null {
  const since = entry.position ?? entry.since;
  entry.rid = null;
  entry.live = true;
  entry.info = { channel: m.channel, epoch: m.epoch, lastSeq: m.lastSeq, recovered: m.recovered };
  if (m.recovered || !since) {
    entry.position = { epoch: m.epoch, seq: since && m.recovered ? since.seq : m.lastSeq };
    return null;
  }
  const last = entry.position ?? (since.epoch === undefined ? null : { epoch: since.epoch, seq: since.seq });
  entry.position = { epoch: m.epoch, seq: m.lastSeq };
  return { channel: m.channel, last, epoch: m.epoch, lastSeq: m.lastSeq };
}

/**
 * Decides an event's fate and advances the position when it is delivered. Events are accepted strictly in
 * order: an old seq is a duplicate, a seq past the next one is a hole (resubscribe from the position).
 */
export function acceptEvent(entry: ChannelEntry | undefined, event: Envelope): Verdict {
  const position = entry?.live ? entry.position : null;
  if (!entry || !position) return 'ignore';
  if (event.seq <= position.seq) return 'duplicate';
  if (event.seq > position.seq + 1) return 'hole';
  entry.position = { epoch: position.epoch, seq: event.seq };
  return 'deliver';
}
