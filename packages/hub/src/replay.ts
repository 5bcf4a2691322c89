import { type Envelope, ErrorCode, HeraldError, MAX_HISTORY_LIMIT } from '@herald/protocol';
import { EncodedBatch } from './encoded-batch.js';
import { envelopeDataJson } from './envelope-json.js';
import { DEFAULT_PAGE_BYTES, joinsPage } from './store/read-page.js';
import type { ChannelInfo, EventStore } from './store/types.js';

/** Events one page read asks for at most: a history answer's largest `limit`, so both share pages. */
const PAGE_EVENTS = MAX_HISTORY_LIMIT;
/**
 * How long a page read for one replay serves others asking for the same range. Long enough for a restart
 * storm, where every client of a channel resumes from about the same seq within a second or two; short, so
 * the cache holds only what a storm is reading.
 */
const SHARE_MS = 2_000;
/** Pages kept per store at most; the oldest go first. */
const MAX_SHARED_PAGES = 512;
/** Payload kept in shared pages per store at most, in pages' budgets; the oldest go first. */
export const SHARED_PAGE_BUDGETS = 16;
/**
 * Page reads per store in flight at most; more wait their turn. What bounds the pages being read (and
 * encoded) at once however many replays and history requests run: see PROTOCOL.md, "Limits".
 */
export const MAX_READS_IN_FLIGHT = 8;

/**
 * A replay found the channel's history reset: the epoch it was reading is gone, and the same seqs of the
 * new history are other events. An `ERR_BAD_POSITION`, like a range trimmed mid-replay.
 */
export class HistoryResetError extends HeraldError {
  constructor(channel: string, epoch: string) {
    super(ErrorCode.BadPosition, `history of ${channel} was reset (epoch ${epoch} is gone)`);
  }
}

/** A page of history as read: the channel's extent at the time, and its events encoded (null: none). */
export interface HistoryPage {
  readonly info: ChannelInfo;
  readonly batch: EncodedBatch | null;
}

interface SharedPage {
  readonly at: number;
  readonly page: Promise<HistoryPage>;
  /** Encoded bytes once read (0 while reading). */
  bytes: number;
}

/** One store's shared pages and its read slots. */
class PageCache {
  readonly pages = new Map<string, SharedPage>();
  private bytes = 0;
  /** The largest page budget asked for: the cache keeps {@link SHARED_PAGE_BUDGETS} of them. */
  private budget = 0;
  private reading = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly store: EventStore) {}

  /** The shared page at `key` if it is recent and `usable` accepts it. */
  hit(key: string, now: number, usable: (page: HistoryPage) => boolean): Promise<HistoryPage> | undefined {
    const hit = this.pages.get(key);
    if (hit === undefined || now - hit.at >= SHARE_MS) return undefined;
    return hit.page.then((page) => (usable(page) ? page : Promise.reject(new Error('unusable'))));
  }

  /** Reads a page (when a read slot is free), shares it under `key`, and keeps the cache in its budget. */
  read(key: string, channel: string, cursor: number, pageBytes: number, now: number): Promise<HistoryPage> {
    this.budget = Math.max(this.budget, pageBytes);
    const page = this.slot(async () => {
      const { info, events } = await this.store.read(channel, cursor, PAGE_EVENTS, pageBytes);
      const page = withinBudget(events, pageBytes);
      return { info, batch: page.length === 0 ? null : new EncodedBatch(channel, page) };
    });
    const entry: SharedPage = { at: now, page, bytes: 0 };
    this.drop(key);
    this.pages.set(key, entry);
    page.then(
      ({ batch }) => {
        if (this.pages.get(key) !== entry) return;
        entry.bytes = batch?.bytes ?? 0;
        this.bytes += entry.bytes;
        this.evict(now, this.budget * SHARED_PAGE_BUDGETS);
      },
      // A failed read is not shared: the next reader tries again.
      () => {
        if (this.pages.get(key) === entry) this.drop(key);
      },
    );
    if (this.pages.size > MAX_SHARED_PAGES) this.evict(now, Number.POSITIVE_INFINITY);
    return page;
  }

  private drop(key: string): void {
    const old = this.pages.get(key);
    if (old === undefined) return;
    this.bytes -= old.bytes;
    this.pages.delete(key);
  }

  /** Drops stale pages, then the oldest while over the page count or `maxBytes`. */
  private evict(now: number, maxBytes: number): void {
    for (const [key, entry] of this.pages) {
      const over = this.pages.size > MAX_SHARED_PAGES || this.bytes > maxBytes;
      if (!over && now - entry.at < SHARE_MS) break;
      this.drop(key);
    }
  }

  /** Runs `work` once fewer than {@link MAX_READS_IN_FLIGHT} reads are running. */
  private async slot<T>(work: () => Promise<T>): Promise<T> {
    if (this.reading >= MAX_READS_IN_FLIGHT) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.reading++;
    try {
      return await work();
    } finally {
      this.reading--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * The first events of `events` that fit `pageBytes`, at least one: what the store was asked for; kept here
 * too, so a store (or a wrapper around one) that reads past the budget cannot make a page larger.
 */
function withinBudget(events: Envelope[], pageBytes: number): Envelope[] {
  let used = 0;
  for (let i = 0; i < events.length; i++) {
    const size = envelopeDataJson(events[i] as Envelope).length;
    if (!joinsPage(i, used, size, pageBytes)) return events.slice(0, i);
    used += size;
  }
  return events;
}

// Per store, so two hubs (or a restarted hub's new store) never see each other's pages.
const caches = new WeakMap<EventStore, PageCache>();

function cacheOf(store: EventStore): PageCache {
  let cache = caches.get(store);
  if (cache === undefined) {
    cache = new PageCache(store);
    caches.set(store, cache);
  }
  return cache;
}

/**
 * The page of `channel` after `cursor` (at most {@link PAGE_EVENTS} events and `pageBytes` of payload, at
 * least one event), encoded once and shared: stored history at a seq never changes within an epoch (appends
 * only add after the end, trims only remove the start), so clients reading the same range get the same
 * {@link EncodedBatch}, its envelopes encoded and its frames built once. A shared page is taken only when
 * `usable` accepts it (a replay wants its epoch, a history answer a page that cannot have grown); else the
 * page is read again, and the new one shared.
 */
export function readPage(
  store: EventStore,
  channel: string,
  cursor: number,
  pageBytes: number,
  usable: (page: HistoryPage) => boolean = () => true,
): Promise<HistoryPage> {
  const cache = cacheOf(store);
  const now = Date.now();
  const key = `${cursor}\n${pageBytes}\n${channel}`;
  const read = () => cache.read(key, channel, cursor, pageBytes, now);
  return cache.hit(key, now, usable)?.catch(read) ?? read();
}

/**
 * The history answer of `GET …/events?after&limit`: a shared page (see {@link readPage}) cut to `limit`
 * events. A shared page is used only when more history followed it when it was read (it was cut by the
 * page's size, so it cannot have grown since); a page that reached the channel's end is read afresh, so a
 * poller sees new events at once.
 */
export async function readHistory(
  store: EventStore,
  channel: string,
  after: number,
  limit: number,
  pageBytes: number,
): Promise<HistoryPage> {
  const complete = ({ info, batch }: HistoryPage) => batch !== null && batch.lastSeq < info.lastSeq;
  const { info, batch } = await readPage(store, channel, after, pageBytes, complete);
  return { info, batch: batch === null ? null : batch.upTo(batch.firstSeq + limit - 1) };
}

/** Lets other work run: a macrotask turn, not a microtask. */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Reads `(from, to]` from the store page by page and hands each page to `emit` (which may wait for the peer
 * to drain). Stops early when `emit` returns false. Returns the last seq emitted. Throws `ERR_BAD_POSITION`
 * if retention trimmed the range mid-replay, or a {@link HistoryResetError} if the channel's history is no
 * longer `epoch`, so the caller never reports a silent hole or mixes two histories. Pages are at most
 * `pageBytes` of payload and shared between replays of the same range (see {@link readPage}); the event
 * loop gets a turn between pages, so a long replay never holds neighbours up for more than a page. Without
 * `epoch` pages are not checked.
 */
export async function replayRange(
  store: EventStore,
  channel: string,
  from: number,
  to: number,
  emit: (batch: EncodedBatch) => Promise<boolean> | boolean,
  epoch?: string,
  pageBytes = DEFAULT_PAGE_BYTES,
): Promise<number> {
  const sameEpoch = epoch === undefined ? undefined : (page: HistoryPage) => page.info.epoch === epoch;
  let cursor = from;
  while (cursor < to) {
    if (cursor !== from) await yieldToLoop();
    const { info, batch } = await readPage(store, channel, cursor, pageBytes, sameEpoch);
    if (epoch !== undefined && info.epoch !== epoch) throw new HistoryResetError(channel, epoch);
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
