import type { SincePosition } from './envelope.js';

/** How much of a channel's history a hub still holds. */
export interface HistoryExtent {
  /** The current incarnation of the channel's history. */
  readonly epoch: string;
  /** Seq of the oldest retained event, or `lastSeq + 1` when nothing is retained. */
  readonly firstSeq: number;
  /** Seq of the newest event ever stored, 0 for a channel with no events. */
  readonly lastSeq: number;
}

/** Where a subscription starts, by the resume rule. */
export interface ResumePlan {
  /** Whether `since` can be resumed with nothing missing (always true without `since`). */
  readonly recovered: boolean;
  /** Deliver events with seq greater than this: replay up to `lastSeq`, then live. */
  readonly from: number;
}

/**
 * The resume rule, the same on every transport: `since` is resumed, with exactly the missing events
 * replayed, when it is in the current epoch (or names none) and `firstSeq - 1 <= since.seq <= lastSeq`.
 * Otherwise (trimmed, from the future, another epoch) it is not recovered and delivery starts after
 * `lastSeq`. Without `since`, delivery starts after `lastSeq` too, recovered.
 */
export function planResume(extent: HistoryExtent, since?: SincePosition): ResumePlan {
  if (since === undefined) return { recovered: true, from: extent.lastSeq };
  const sameEpoch = since.epoch === undefined || since.epoch === extent.epoch;
  const covered = since.seq >= extent.firstSeq - 1 && since.seq <= extent.lastSeq;
  return sameEpoch && covered
    ? { recovered: true, from: since.seq }
    : { recovered: false, from: extent.lastSeq };
}
