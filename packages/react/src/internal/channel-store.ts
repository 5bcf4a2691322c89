import type { HeraldClient, SubscribeOptions, Subscription } from '@herald/client';
import { type Envelope, ErrorCode, HeraldError, type JsonValue, type SincePosition } from '@herald/protocol';
import { type NotifyBatcher, notifyBatcher } from './batcher.js';

/** Default number of events kept per channel. */
export const DEFAULT_EVENT_LIMIT = 1000;

/** Loading until the hub confirms the subscription, then live; error when the hub refused it. */
export type ChannelStatus = 'loading' | 'live' | 'error';

/** A hole the hub could not fill: events between `last` and `lastSeq` are gone; refetch if you need them. */
export interface ChannelGap {
  readonly channel: string;
  readonly last: { readonly epoch: string; readonly seq: number } | null;
  readonly epoch: string;
  readonly lastSeq: number;
}

/** Immutable view of a channel; a new object after every flush that changed something. */
export interface ChannelSnapshot {
  readonly events: readonly Envelope[];
  readonly status: ChannelStatus;
  readonly error: HeraldError | null;
  readonly gap: ChannelGap | null;
}

/** A synchronous per-event listener; `history` is true for events replayed from before the subscription. */
export type EventTap = (event: Envelope, history: boolean) => void;

/** A reducer over the channel's events, kept up to date by the store. */
export type EventReducer<S> = (state: S, event: Envelope) => S;

/** Lets the registry forget idle stores and re-adopt a store that became active again. */
export interface StoreLifecycle {
  onActive(store: ChannelStore): void;
  onIdle(store: ChannelStore): void;
}

/** How long after the last consumer leaves the client subscription is kept, so StrictMode remounts reuse it. */
const RELEASE_DELAY_MS = 0;

/** Folds events into a derived state and notifies its own listeners when the state changes. */
class DerivedStore<S> {
  private readonly listeners = new Set<() => void>();
  private notified: S;

  constructor(
    private readonly parent: ChannelStore,
    private readonly reducer: EventReducer<S>,
    private state: S,
  ) {
    this.notified = state;
  }

  /** Applies one event without notifying. */
  apply(event: Envelope): void {
    this.state = this.reducer(this.state, event);
  }

  /** Publishes the folded state to listeners if it changed since the last flush. */
  flush(): void {
    if (Object.is(this.state, this.notified)) return;
    this.notified = this.state;
    for (const listener of [...this.listeners]) listener();
  }

  /** The state as of the last flush (stable between flushes, for `useSyncExternalStore`). */
  readonly getSnapshot = (): S => this.notified;

  /** Registers a change listener and keeps the parent channel subscribed until the returned cleanup. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    const release = this.parent.retain();
    return () => {
      this.listeners.delete(listener);
      release();
    };
  };
}

/**
 * One client subscription shared by every hook reading the same channel of the same client, reference
 * counted. Events are applied as they arrive but published to React at most once per frame.
 */
export class ChannelStore {
  private readonly listeners = new Set<() => void>();
  private readonly taps = new Set<EventTap>();
  private readonly derived = new Map<string, DerivedStore<unknown>>();
  private snapshot: ChannelSnapshot = { events: [], status: 'loading', error: null, gap: null };
  private pending: Envelope[] = [];
  private dirty = false;
  private capacity = DEFAULT_EVENT_LIMIT;
  private refs = 0;
  private subscription: Subscription | null = null;
  private active = false;
  private releaseTimer: ReturnType<typeof setTimeout> | null = null;
  private epoch: string | null = null;
  private lastSeq = 0;
  /** Events up to this seq were already stored when the subscription started (history replay). */
  private historyEndSeq = 0;

  constructor(
    readonly client: HeraldClient,
    readonly channel: string,
    private readonly since: SincePosition | undefined,
    private readonly lifecycle: StoreLifecycle,
    private readonly batcher: NotifyBatcher = notifyBatcher,
  ) {}

  /** Keeps at least `limit` events (the largest limit any consumer asked for wins). */
  ensureCapacity(limit: number): void {
    if (limit > this.capacity) this.capacity = limit;
  }

  /** Adds a consumer; the first one subscribes the client. Returns an idempotent release. */
  retain(): () => void {
    if (this.releaseTimer !== null) {
      clearTimeout(this.releaseTimer);
      this.releaseTimer = null;
    }
    this.refs += 1;
    if (!this.active) this.start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.refs -= 1;
      if (this.refs === 0) this.releaseTimer = setTimeout(() => this.stopIfUnused(), RELEASE_DELAY_MS);
    };
  }

  /** The current snapshot (a new object only after a change, for `useSyncExternalStore`). */
  readonly getSnapshot = (): ChannelSnapshot => this.snapshot;

  /** Registers a change listener and keeps the channel subscribed until the returned cleanup. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    const release = this.retain();
    return () => {
      this.listeners.delete(listener);
      release();
    };
  };

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
   * A store of `reducer` folded over this channel's events, created once per `key`. When created after
   * events arrived, it starts from the events still buffered.
   */
  derive<S>(key: string, reducer: EventReducer<S>, initial: () => S): DerivedStore<S> {
    let store = this.derived.get(key) as DerivedStore<S> | undefined;
    if (store === undefined) {
      let state = initial();
      for (const event of this.snapshot.events) state = reducer(state, event);
      for (const event of this.pending) state = reducer(state, event);
      store = new DerivedStore(this, reducer, state);
      this.derived.set(key, store as DerivedStore<unknown>);
    }
    return store;
  }

  private start(): void {
    this.active = true;
    this.lifecycle.onActive(this);
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

  private stopIfUnused(): void {
    this.releaseTimer = null;
    if (this.refs > 0 || !this.active) return;
    this.active = false;
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.lifecycle.onIdle(this);
  }

  private receive(event: Envelope): void {
    // Dedupe on seq: a resumed subscription may overlap with what we already hold.
    if (event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    const history = event.seq <= this.historyEndSeq;
    this.pending.push(event);
    // Background tabs pause animation frames; never hold more than the buffer can show.
    if (this.pending.length > this.capacity * 2) this.pending = this.pending.slice(-this.capacity);
    for (const store of this.derived.values()) store.apply(event);
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

  private markDirty(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.batcher.schedule(this.flush);
  }

  private readonly flush = (): void => {
    this.dirty = false;
    if (this.pending.length > 0) {
      const merged = this.snapshot.events.concat(this.pending);
      this.pending = [];
      const events = merged.length > this.capacity ? merged.slice(-this.capacity) : merged;
      this.snapshot = { ...this.snapshot, events };
    }
    for (const listener of [...this.listeners]) listener();
    for (const store of this.derived.values()) store.flush();
  };
}

function toHeraldError(error: unknown): HeraldError {
  if (error instanceof HeraldError) return error;
  return new HeraldError(ErrorCode.BadChannel, error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

export type { DerivedStore };
