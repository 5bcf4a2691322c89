import type { Envelope, HeraldError } from '@herald/protocol';
import type { GapInfo } from '../types.js';

/** Default number of events kept per channel. */
export const DEFAULT_EVENT_LIMIT = 1000;

/** Loading until the hub confirms the subscription, then live; error when the hub refused it. */
export type ChannelStatus = 'loading' | 'live' | 'error';

/** Immutable view of a channel; a new object after every flush that changed something. */
export interface ChannelSnapshot {
  /** Events in seq order, oldest first, at most the store's capacity. */
  readonly events: readonly Envelope[];
  readonly status: ChannelStatus;
  /** Why the subscription failed, when `status` is `error`. */
  readonly error: HeraldError | null;
  /** The latest hole the hub could not fill, if any: refetch what you need. */
  readonly gap: GapInfo | null;
}

/** The snapshot of a channel before anything happened (also what adapters show for "no channel"). */
export const IDLE_SNAPSHOT: ChannelSnapshot = Object.freeze({
  events: Object.freeze([]) as readonly Envelope[],
  status: 'loading',
  error: null,
  gap: null,
});

/** `events` followed by `pending`, keeping only the newest `capacity`. */
export function appendEvents(
  events: readonly Envelope[],
  pending: readonly Envelope[],
  capacity: number,
): readonly Envelope[] {
  const merged = events.concat(pending);
  return merged.length > capacity ? merged.slice(-capacity) : merged;
}
