import { ErrorCode, HeraldError } from '@herald/protocol';
import { EncodedBatch } from './encoded-batch.js';
import type { EventStore } from './store/types.js';

/** Events read per store call while replaying. */
const REPLAY_PAGE = 500;
/**
 * How long a page read for one replay serves others asking for the same range. Long enough for a restart
 * storm, where every client of a channel resumes from about the same seq within a second or two; short, so
 * the cache holds only what a storm is reading.
 */
const SHARE_MS = 2_000;
/** Pages kept per store at most; the oldest go first. */
const MAX_SHARED_PAGES = 512;

/**
 * A replay found the channel's history reset: the epoch it was reading is gone, and the same seqs of the
 * new history are other events. An `ERR_BAD_POSITION`, like a range trimmed mid-replay.
 */
export class HistoryResetError extends HeraldError {
  constructor(channel: string, epoch: string) {
    super(ErrorCode.BadPosition, `history of ${channel} was reset (epoch ${epoch} is gone)`);
  }
}

interface SharedPage {
  readonly at: number;
  readonly page: Promise<EncodedBatch | null>;
}

// Per store, so two hubs (or a restarted hub's new store) never see each other's pages.
const shared = new WeakMap<EventStore, Map<string, SharedPage>>();

/**
 * The page of `channel` after `cursor`, encoded once and shared: stored history at a seq never changes
 * within an epoch (appends only add after the end, trims only remove the start), so clients replaying the
 * same range get the same {@link EncodedBatch}, its envelopes encoded and its frames built once. A page read
 * while the channel was shorter simply ends earlier; the caller reads on from its end. Pages are shared
 * per `epoch`, and a read that finds another epoch (the history was reset) rejects with a
 * {@link HistoryResetError}: the same seqs of a new history are other events.
 */
function readPage(
  store: EventStore,
  channel: string,
  cursor: number,
  now: number,
  epoch: string | undefined,
): Promise<EncodedBatch | null> {
  let pages = shared.get(store);
  if (pages === undefined) {
    pages = new Map();
    shared.set(store, pages);
  }
  const key = `${cursor}\n${epoch ?? ''}\n${channel}`;
  const hit = pages.get(key);
  if (hit !== undefined && now - hit.at < SHARE_MS) return hit.page;
  const page = store.read(channel, cursor, REPLAY_PAGE).then(({ info, events }) => {
    if (epoch !== undefined && info.epoch !== epoch) throw new HistoryResetError(channel, epoch);
    return events.length === 0 ? null : new EncodedBatch(channel, events);
  });
  pages.delete(key);
  pages.set(key, { at: now, page });
  // A failed read is not shared: the next replay tries again.
  page.catch(() => {
    if (pages.get(key)?.page === page) pages.delete(key);
  });
  if (pages.size > MAX_SHARED_PAGES) {
    for (const [k, v] of pages) {
      if (pages.size <= MAX_SHARED_PAGES && now - v.at < SHARE_MS) break;
      pages.delete(k);
    }
  }
  return page;
}

/**
 * Reads `(from, to]` from the store page by page and hands each page to `emit` (which may wait for the peer
 * to drain). Stops early when `emit` returns false. Returns the last seq emitted. Throws `ERR_BAD_POSITION`
 * if retention trimmed the range mid-replay, or a {@link HistoryResetError} if the channel's history is no
 * longer `epoch`, so the caller never reports a silent hole or mixes two histories. Pages are shared
 * between replays of the same range (see {@link readPage}). Without `epoch` pages are not checked.
 */
export async function replayRange(
  store: EventStore,
  channel: string,
  from: number,
  to: number,
  emit: (batch: EncodedBatch) => Promise<boolean> | boolean,
  epoch?: string,
): Promise<number> {
  let cursor = from;
  while (cursor < to) {
    const batch = await readPage(store, channel, cursor, Date.now(), epoch);
    if (batch === null) break;
    if (batch.firstSeq !== cursor + 1) {
      throw new HeraldError(
        ErrorCode.BadPosition,
        `history before seq ${batch.firstSeq} was trimmed during replay`,
      );
    }
    const page = batch.lastSeq <= to ? batch : batch.upTo(to);
    cursor = page.lastSeq;
    if (!(await emit(page))) break;
  }
  return cursor;
}
