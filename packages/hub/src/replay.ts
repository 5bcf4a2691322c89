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
 * while the channel was shorter simply ends earlier; the caller reads on from its end.
 */
function readPage(
  store: EventStore,
  channel: string,
  cursor: number,
  now: number,
): Promise<EncodedBatch | null> {
  let pages = shared.get(store);
  if (pages === undefined) {
    pages = new Map();
    shared.set(store, pages);
  }
  const key = `${cursor}\n${channel}`;
  const hit = pages.get(key);
  if (hit !== undefined && now - hit.at < SHARE_MS) return hit.page;
  const page = store
    .read(channel, cursor, REPLAY_PAGE)
    .then(({ events }) => (events.length === 0 ? null : new EncodedBatch(channel, events)));
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
 * if retention trimmed the range mid-replay, so the caller never reports a silent hole. Pages are shared
 * between replays of the same range (see {@link readPage}).
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
    const batch = await readPage(store, channel, cursor, Date.now());
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
