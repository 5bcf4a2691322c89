import { ErrorCode, HeraldError } from '@herald/protocol';
import { EncodedBatch } from './encoded-batch.js';
import type { EventStore } from './store/types.js';

/** Events read per store call while replaying. */
const REPLAY_PAGE = 500;

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
