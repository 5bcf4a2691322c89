import { type Envelope, ErrorCode, HeraldError, type JsonValue, type SincePosition } from '@herald/protocol';
import type { HeraldClient, SubscribeOptions, Subscription } from '../types.js';
import { batchedFlush, type NotifyBatcher, notifyBatcher } from './batcher.js';
import { type EventReducer, FoldStore } from './fold.js';
import { Listeners, retainingSubscribe } from './listeners.js';
import { RefCount } from './ref-count.js';
import { appendEvents, type ChannelSnapshot, DEFAULT_EVENT_LIMIT, IDLE_SNAPSHOT } from './snapshot.js';

/** A synchronous per-event listener; `history` is true for events replayed from before the subscription. */
export type EventTap = (event: Envelope, history: boolean) => void;

/** Lets a registry forget idle stores and re-adopt a store that became active again. */
export interface StoreLifecycle<S = ChannelStore> {
  onActive(store: S): void;
  onIdle(store: S): void;
}

/** Options of {@link ChannelStore}. */
export interface ChannelStoreOptions {
  /**
   * Where the client subscription starts; undefined follows live events only.
   * @default undefined
   */
  readonly since?: SincePosition | undefined;
  /**
   * Told when the store starts and stops its client subscription (the registry uses it).
   * @default none
   */
  readonly lifecycle?: StoreLifecycle;
  /**
   * Schedules the flushes that publish changes to listeners.
   * @default notifyBatcher (one flush per animation frame)
   */
  readonly batcher?: NotifyBatcher;
}

/**
 * One client subscription of a channel, shared by every consumer and reference counted: the first
 * consumer subscribes the client, the last one's release unsubscribes it. Events are applied as they
 * arrive but published to listeners at most once per flush of the batcher (an animation frame).
 */
export class ChannelStore {
  private readonly listeners = new Listeners();
  private readonly taps = new Set<EventTap>();
  private readonly folds = new Map<unknown, FoldStore<unknown>>();
  private readonly since: SincePosition | undefined;
  private readonly lifecycle: StoreLifecycle | undefined;
  private snapshot: ChannelSnapshot = IDLE_SNAPSHOT;
  private pending: Envelope[] = [];
  /** Queues {@link flush} on the batcher once until it runs. */
  private readonly markDirty: () => void;
  private capacity = DEFAULT_EVENT_LIMIT;
  private subscription: Subscription | null = null;
  private readonly refs = new RefCount(
    () => this.start(),
    () => this.stop(),
  );
  private epoch: string | null = null;
  private lastSeq = 0;
  /** Events up to this seq were already stored when the subscription started (history replay). */
  private historyEndSeq = 0;

  constructor(
    readonly client: HeraldClient,
    readonly channel: string,
    options: ChannelStoreOptions = {},
  ) {
    this.since = options.since;
    this.lifecycle = options.lifecycle;
    this.markDirty = batchedFlush(options.batcher ?? notifyBatcher, this.flush);
  }

  /** Keeps at least `limit` events (the largest limit any consumer asked for wins). */
  ensureCapacity(limit: number): void {
    if (limit > this.capacity) this.capacity = limit;
  }

  /** Adds a consumer; the first one subscribes the client. Returns an idempotent release. */
  readonly retain: () => () => void = this.refs.retain;

  /** The current snapshot (a new object only after a change, for `useSyncExternalStore` and the like). */
  readonly getSnapshot = (): ChannelSnapshot => this.snapshot;

  /** Registers a change listener and keeps the channel subscribed until the returned cleanup. */
  readonly subscribe: (listener: () => void) => () => void = retainingSubscribe(this.listeners, this.retain);

  /** Calls `tap` synchronously for every event from now on. Retains the store until the returned cleanup. */
  tap(tap: EventTap): () => void {
    // Wrapped so the same function can be tapped twice and removed independently.
    const wrapped: EventTap = (event, history) => tap(event, history);
    this.taps.add(wrapped);
    const release = this.retain();
    return () => {
      this.taps.delete(wrapped);
      release();
    };
  }

  /**
   * A store of `reducer` folded over this channel's events, created once per `key` (by default the
   * reducer itself) and kept as long as this store. When created after events arrived, it starts from
   * `initial` and the events still buffered; later calls with the same key return the same fold.
   */
  fold<S>(reducer: EventReducer<S>, initial: S, key: unknown = reducer): FoldStore<S> {
    let store = this.folds.get(key) as FoldStore<S> | undefined;
    if (store === undefined) {
      let state = initial;
      for (const event of this.snapshot.events) state = reducer(state, event);
      for (const event of this.pending) state = reducer(state, event);
      store = new FoldStore(reducer, state, this.retain);
      this.folds.set(key, store as FoldStore<unknown>);
    }
    return store;
  }

  private start(): void {
    this.lifecycle?.onActive(this);
    // Resume from the last event seen if this store lived before; otherwise use the requested position.
    const since = this.epoch !== null ? { epoch: this.epoch, seq: this.lastSeq } : this.since;
    const firstStart = this.epoch === null;
    const handlers = {
      ...(since === undefined ? {} : { since }),
      onEvent: (event) => this.receive(event),
      onSubscribed: (info) => {
        if (firstStart && this.epoch === null) this.historyEndSeq = info.lastSeq;
        // Not recovered: nothing is replayed and live events start after lastSeq (possibly a new epoch).
        if (!info.recovered) this.lastSeq = info.lastSeq;
        this.epoch = info.epoch;
        this.update({ status: 'live', error: null });
      },
      onGap: (gap) => {
        this.epoch = gap.epoch;
        this.lastSeq = gap.lastSeq;
        this.update({ gap });
      },
      onError: (error: HeraldError) => this.update({ status: 'error', error }),
    } satisfies SubscribeOptions<JsonValue>;
    try {
      this.subscription = this.client.subscribe(this.channel, handlers);
    } catch (error) {
      // An invalid channel name throws synchronously; surface it like a refused subscription.
      this.update({ status: 'error', error: toHeraldError(error) });
    }
  }

  private stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.lifecycle?.onIdle(this);
  }

  private receive(event: Envelope): void {
    // Dedupe on seq: a resumed subscription may overlap with what we already hold.
    if (event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    const history = event.seq <= this.historyEndSeq;
    this.pending.push(event);
    // Background tabs pause animation frames; never hold more than the buffer can show.
    if (this.pending.length > this.capacity * 2) this.pending = this.pending.slice(-this.capacity);
    for (const store of this.folds.values()) store.apply(event);
    this.markDirty();
    for (const tap of [...this.taps]) {
      try {
        tap(event, history);
      } catch (error) {
        // An app handler's bug must not stop delivery to the others; surface it as an uncaught error.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  private update(patch: Partial<ChannelSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.markDirty();
  }

  private readonly flush = (): void => {
    if (this.pending.length > 0) {
      const events = appendEvents(this.snapshot.events, this.pending, this.capacity);
      this.pending = [];
      this.snapshot = { ...this.snapshot, events };
    }
    this.listeners.emit();
    for (const store of this.folds.values()) store.flush();
  };
}

function toHeraldError(error: unknown): HeraldError {
  if (error instanceof HeraldError) return error;
  return new HeraldError(ErrorCode.BadChannel, error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}
