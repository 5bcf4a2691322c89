import { ErrorCode, HeraldError, type SincePosition } from '@herald/protocol';
import { EncodedBatch } from './encoded-batch.js';
import type { ChannelInfo, EventStore } from './store/types.js';

/** Where a subscription starts. */
export interface ResumePlan {
  readonly info: ChannelInfo;
  /** Whether `since` can be resumed with nothing missing (always true without `since`). */
  readonly recovered: boolean;
  /** Replay events with seq greater than this, up to `info.lastSeq`. */
  readonly from: number;
}

/**
 * Decides how to honour `since`: replay from it when `firstSeq - 1 <= since.seq <= lastSeq` in the same epoch;
 * otherwise (too old, from the future, another epoch) report `recovered: false` and start after `lastSeq`.
 */
export function planResume(info: ChannelInfo, since: SincePosition | undefined): ResumePlan {
  if (since === undefined) return { info, recovered: true, from: info.lastSeq };
  const sameEpoch = since.epoch === undefined || since.epoch === info.epoch;
  const covered = since.seq >= info.firstSeq - 1 && since.seq <= info.lastSeq;
  return sameEpoch && covered
    ? { info, recovered: true, from: since.seq }
    : { info, recovered: false, from: info.lastSeq };
}

/** Events read per store call while replaying. */
export const REPLAY_PAGE = 500;

/**
 * Reads `(from, to]` from the store page by page and hands each page to `emit` (which may wait for the peer
 * to drain). Stops early when `emit` returns false. Returns the last seq emitted. Throws `ERR_BAD_POSITION`
 * if retention trimmed the range mid-replay, so the caller never reports a silent hole.
 */
export async function replayRange(
  store: EventStore,
  channel: string,
  from: number,
  to: number,
  emit: (batch: EncodedBatch) => Promise<boolean> | boolean,
): Promise<number> {
  let cursor = from;
  while (cursor < to) {
    const { events } = await store.read(channel, cursor, Math.min(REPLAY_PAGE, to - cursor));
    const first = events[0];
    if (first === undefined) break;
    if (first.seq !== cursor + 1) {
      throw new HeraldError(
        ErrorCode.BadPosition,
        `history before seq ${first.seq} was trimmed during replay`,
      );
    }
    const page = events.filter((e) => e.seq <= to);
    if (page.length === 0) break;
    cursor = page[page.length - 1]?.seq ?? cursor;
    if (!(await emit(new EncodedBatch(channel, page)))) break;
  }
  return cursor;
}
