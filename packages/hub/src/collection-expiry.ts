import {
  COLLECTION_EXPIRED_TYPE,
  collectionExpiries,
  collectionOps,
  type Envelope,
  ErrorCode,
  expiryEventId,
  HeraldError,
  isRecord,
  type JsonValue,
  type PublishInput,
  parsePointer,
  type StateOp,
} from '@herald/protocol';
import { carriesState } from './store/state-fold.js';
import type { AppendResult, ChannelState, EventStore } from './store/types.js';

/**
 * Most collection expiries one hub schedules at once (PROTOCOL.md, "Collections"). Past it new expiries are
 * not scheduled until there is room; readers hide expired entries anyway.
 */
export const MAX_SCHEDULED_EXPIRIES = 100_000;

/** setTimeout cannot wait longer than this (about 24.8 days); later expiries are re-armed on wake. */
const MAX_TIMER_MS = 2_147_483_647;

/** What {@link CollectionExpiry} needs from the hub. */
export interface CollectionExpiryDeps {
  /** Publishes on the trusted path (no permission or rate check). */
  readonly publish: (channel: string, events: readonly PublishInput[]) => Promise<unknown>;
  /** Unexpected failures of an expiry publish. */
  readonly onError: (err: unknown) => void;
  /** Told once each time the bound turns an expiry away. */
  readonly onFull?: (channel: string, key: string) => void;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default MAX_SCHEDULED_EXPIRIES */
  readonly maxScheduled?: number;
}

interface Due {
  readonly channel: string;
  readonly key: string;
  readonly at: number;
}

/** The one map key of a channel's collection key (channel names cannot hold NUL). */
const idOf = (channel: string, key: string): string => `${channel}\u0000${key}`;

/** The expiring key an operation path names: `/expiresAt/<key>`, or undefined. */
function expiryKeyOf(path: string): string | undefined {
  const tokens = parsePointer(path);
  return tokens?.length === 2 && tokens[0] === 'expiresAt' ? tokens[1] : undefined;
}

/** The expiries an event's operations set: one key at `/expiresAt/<key>`, or whole maps at `/expiresAt` or `""`. */
function expiriesSetBy(ops: readonly StateOp[]): [key: string, at: number][] {
  const out: [string, number][] = [];
  for (const op of ops) {
    if (op.op !== 'add' && op.op !== 'replace') continue;
    const key = expiryKeyOf(op.path);
    if (key !== undefined) {
      if (typeof op.value === 'number' && Number.isFinite(op.value)) out.push([key, op.value]);
    } else if (op.path === '/expiresAt' && isRecord(op.value)) {
      out.push(...collectionExpiries({ expiresAt: op.value }));
    } else if (op.path === '') {
      out.push(...collectionExpiries(op.value));
    }
  }
  return out;
}

/**
 * Removes expired collection entries (PROTOCOL.md, "Collections"): keys whose `/expiresAt/<key>` an
 * appended event set to a time, or that a served state holds, wait in one min-heap under one timer; when a
 * key is due the hub publishes `herald.expired` with `collectionOps.expire(key, at)`, whose `test` makes it
 * a no-op when the entry was set again or removed meanwhile (that refusal is ignored).
 */
export class CollectionExpiry {
  private heap: Due[] = [];
  /** Latest time scheduled per channel and key; heap entries with another time are stale. */
  private readonly latest = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private closed = false;
  private readonly now: () => number;
  private readonly max: number;

  constructor(private readonly deps: CollectionExpiryDeps) {
    this.now = deps.now ?? Date.now;
    this.max = deps.maxScheduled ?? MAX_SCHEDULED_EXPIRIES;
  }

  /** How many keys are scheduled. */
  get size(): number {
    return this.latest.size;
  }

  /** Schedules the expiries that newly stored events set. */
  observeEvents(channel: string, envelopes: readonly Envelope[]): void {
    for (const e of envelopes) {
      if (e.state === undefined || e.type === COLLECTION_EXPIRED_TYPE) continue;
      for (const [key, at] of expiriesSetBy(e.state)) this.schedule(channel, key, at);
    }
  }

  /** Schedules every expiry a served state holds (after a restart, this is how they come back). */
  observeState(channel: string, state: JsonValue): void {
    for (const [key, at] of collectionExpiries(state)) this.schedule(channel, key, at);
  }

  /**
   * A store whose appends schedule the expiries their stored events set, and whose `state()` reads schedule
   * the expiries they return; everything else passes through. (Each node schedules what it stores or
   * serves; expiry ids are the same on every node, so nodes never remove an entry twice.)
   */
  watch(store: EventStore): EventStore {
    return {
      // Only events with state operations can set an expiry: the rest pass straight through, with no
      // extra step on the publish path.
      append: (channel, inputs): Promise<AppendResult> => {
        const appended = store.append(channel, inputs);
        if (!carriesState(inputs)) return appended;
        return appended.then((result) => {
          this.observeEvents(channel, result.stored);
          return result;
        });
      },
      read: (channel, afterSeq, limit, maxBytes) => store.read(channel, afterSeq, limit, maxBytes),
      info: (channel) => store.info(channel),
      trim: () => store.trim(),
      close: () => store.close(),
      state: async (channel): Promise<ChannelState> => {
        const read = await store.state(channel);
        this.observeState(channel, read.state);
        return read;
      },
    };
  }

  /** Schedules `key` of `channel` at `at` (ms since the epoch), replacing an earlier time for it. */
  schedule(channel: string, key: string, at: number): void {
    if (this.closed) return;
    const id = idOf(channel, key);
    if (this.latest.get(id) === at) return;
    if (!this.latest.has(id) && this.latest.size >= this.max) {
      this.deps.onFull?.(channel, key);
      return;
    }
    this.latest.set(id, at);
    this.push({ channel, key, at });
    // Rescheduled keys leave stale entries behind: rebuild before they outnumber the live ones.
    if (this.heap.length > 2 * this.max) this.rebuild();
    this.arm();
  }

  /** Stops the timer and forgets every scheduled key. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.heap = [];
    this.latest.clear();
  }

  private arm(): void {
    const top = this.heap[0];
    if (top === undefined || this.closed || top.at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = top.at;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, top.at - this.now()));
    this.timer = setTimeout(() => this.fire(), delay);
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.now();
    for (let top = this.heap[0]; top !== undefined && top.at <= now; top = this.heap[0]) {
      this.pop();
      const id = idOf(top.channel, top.key);
      if (this.latest.get(id) !== top.at) continue; // rescheduled since
      this.latest.delete(id);
      this.expire(top);
    }
    this.arm();
  }

  private expire({ channel, key, at }: Due): void {
    const event: PublishInput = {
      type: COLLECTION_EXPIRED_TYPE,
      id: expiryEventId(key, at),
      data: { key },
      state: collectionOps.expire(key, at),
    };
    this.deps.publish(channel, [event]).catch((err: unknown) => {
      // The entry was set again (another expiry) or removed meanwhile: nothing to remove.
      if (
        err instanceof HeraldError &&
        (err.code === ErrorCode.StateTestFailed || err.code === ErrorCode.StateConflict)
      )
        return;
      if (!this.closed) this.deps.onError(err);
    });
  }

  private rebuild(): void {
    const live = this.heap.filter((d) => this.latest.get(idOf(d.channel, d.key)) === d.at);
    this.heap = [];
    for (const d of live) this.push(d);
  }

  // ---- binary min-heap on `at` ----

  private push(d: Due): void {
    const heap = this.heap;
    heap.push(d);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Due;
      if (p.at <= d.at) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = d;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const r = l + 1;
      const child = r < heap.length && (heap[r] as Due).at < (heap[l] as Due).at ? r : l;
      if ((heap[child] as Due).at >= last.at) break;
      heap[i] = heap[child] as Due;
      i = child;
    }
    heap[i] = last;
  }
}
