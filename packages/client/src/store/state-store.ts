import {
  applyStateOps,
  EMPTY_STATE,
  type Envelope,
  ErrorCode,
  HeraldError,
  type JsonValue,
  type StateBody,
} from '@herald/protocol';
import type { HeraldClient, SubscribedInfo, Subscription } from '../types.js';
import { batchedFlush, type NotifyBatcher, notifyBatcher } from './batcher.js';
import type { StoreLifecycle } from './channel-store.js';
import { Listeners, retainingSubscribe } from './listeners.js';
import { RefCount } from './ref-count.js';
import type { ChannelStatus } from './snapshot.js';

/** Immutable view of a channel's state document; a new object after every flush that changed something. */
export interface ChannelStateSnapshot {
  /** The state document as of `seq` (`{}` before anything is known). */
  readonly state: JsonValue;
  /** The epoch `seq` belongs to, null before the first snapshot or subscription. */
  readonly epoch: string | null;
  /** The last event folded into `state`. */
  readonly seq: number;
  /** `loading` until the store holds the state at the channel's position, then `live`; `error` on a refusal. */
  readonly status: ChannelStatus;
  /** Why the subscription (or fetching the state) failed, when `status` is `error`. */
  readonly error: HeraldError | null;
}

/** The state snapshot before anything happened (also what adapters show for "no channel"). */
export const IDLE_STATE: ChannelStateSnapshot = Object.freeze({
  state: EMPTY_STATE,
  epoch: null,
  seq: 0,
  status: 'loading',
  error: null,
});

/** Options of {@link ChannelStateStore}. */
export interface ChannelStateStoreOptions {
  /** Told when the store starts and stops its client subscription (the registry uses it). @default none */
  readonly lifecycle?: StoreLifecycle<ChannelStateStore>;
  /** Schedules the flushes that publish changes to listeners. @default notifyBatcher (one per animation frame) */
  readonly batcher?: NotifyBatcher;
  /** Delay before fetching the state again after a failed fetch, in ms (doubles, up to 30 s). @default 500 */
  readonly retryMs?: number;
}

/**
 * A channel's state document kept up to date: it subscribes with `snapshot: true`, takes each snapshot
 * the hub sends, and applies every event's `state` operations with `applyStateOps` (the one place they are
 * applied), in seq order. When it cannot continue from what it holds (it joined a channel another reader
 * had subscribed, an event skipped a seq, or an operation failed to apply here), it fetches the state over
 * HTTP and continues from it, holding back the events that arrive meanwhile. Listeners hear at most once
 * per flush of the batcher (an animation frame). Shared and reference counted like {@link ChannelStore}.
 */
export class ChannelStateStore {
  private readonly listeners = new Listeners();
  private readonly lifecycle: StoreLifecycle<ChannelStateStore> | undefined;
  private readonly retryMs: number;
  private snapshot: ChannelStateSnapshot = IDLE_STATE;
  private state: JsonValue = EMPTY_STATE;
  private epoch: string | null = null;
  private seq = 0;
  private status: ChannelStatus = 'loading';
  private error: HeraldError | null = null;
  /** The channel's last seq when its subscription was last answered: what a replay still has to bring. */
  private lastSeq = 0;
  /** Events held back while the state is fetched; null when not fetching. */
  private held: Envelope[] | null = null;
  /** Counts fetches, so an answer that arrives after a newer fetch or a stop is dropped. */
  private fetches = 0;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private subscription: Subscription | null = null;
  /** Queues {@link flush} on the batcher once until it runs. */
  private readonly markDirty: () => void;
  private readonly refs = new RefCount(
    () => this.start(),
    () => this.stop(),
  );

  constructor(
    readonly client: HeraldClient,
    readonly channel: string,
    options: ChannelStateStoreOptions = {},
  ) {
    this.lifecycle = options.lifecycle;
    this.markDirty = batchedFlush(options.batcher ?? notifyBatcher, this.flush);
    this.retryMs = options.retryMs ?? 500;
  }

  /** Adds a consumer; the first one subscribes the client. Returns an idempotent release. */
  readonly retain: () => () => void = this.refs.retain;

  /** The current snapshot (a new object only after a change, for `useSyncExternalStore` and the like). */
  readonly getSnapshot = (): ChannelStateSnapshot => this.snapshot;

  /** Registers a change listener and keeps the channel subscribed until the returned cleanup. */
  readonly subscribe: (listener: () => void) => () => void = retainingSubscribe(this.listeners, this.retain);

  private start(): void {
    this.lifecycle?.onActive(this);
    // A store that lived before resumes from what it holds; the hub sends a snapshot if it cannot.
    const since = this.epoch === null ? undefined : { epoch: this.epoch, seq: this.seq };
    try {
      this.subscription = this.client.subscribe(this.channel, {
        snapshot: true,
        ...(since && { since }),
        onSnapshot: (snapshot) => this.adopt(snapshot),
        onEvent: (event) => this.receive(event),
        onSubscribed: (info) => this.subscribed(info),
        onError: (error) => this.fail(error),
      });
    } catch (error) {
      this.fail(
        error instanceof HeraldError
          ? error
          : new HeraldError(ErrorCode.BadChannel, String(error), { cause: error }),
      );
      return;
    }
    this.check(); // joined a channel that was already live: no snapshot will come over the socket
  }

  private stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.fetches++;
    this.held = null;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.lifecycle?.onIdle(this);
  }

  private subscribed(info: SubscribedInfo): void {
    this.lastSeq = info.lastSeq;
    // A snapshot follows, or the events continue from the position, which `check` compares once the
    // subscribe call returned (a late subscriber hears `subscribed` during that call).
    if (!info.snapshot) queueMicrotask(() => this.check());
  }

  /** Goes live when the channel's position is what the store holds, else fetches the state. */
  private check(): void {
    const position = this.subscription?.position();
    if (!position || this.held) return;
    // The empty document is the state at seq 0 of any epoch; but a store with nothing yet that joined a
    // channel another reader replays from the start takes the state now rather than show `{}` as live
    // until the replay arrives.
    const replaying = this.epoch === null && position.seq < this.lastSeq;
    if (!replaying && position.seq === this.seq && (position.epoch === this.epoch || this.seq === 0)) {
      this.epoch = position.epoch;
      this.update('live', null);
    } else if (position.seq !== this.seq || position.epoch !== this.epoch) this.refetch();
  }

  /** Takes a snapshot (from the socket or HTTP), unless it is older than what the store holds. */
  private adopt(snapshot: StateBody): void {
    if (snapshot.epoch === this.epoch && snapshot.seq < this.seq && this.status === 'live') return;
    const held = this.held ?? [];
    this.held = null;
    this.fetches++; // a fetch still in flight is older than this
    this.failures = 0;
    this.state = snapshot.state;
    this.epoch = snapshot.epoch;
    this.seq = snapshot.seq;
    this.update('live', null);
    for (const event of held) this.receive(event);
  }

  private receive(event: Envelope): void {
    if (this.held) {
      this.held.push(event);
      return;
    }
    if (event.seq <= this.seq) return; // already folded into a snapshot taken meanwhile
    if (event.seq !== this.seq + 1) {
      this.refetch([event]);
      return;
    }
    const result = event.state?.length ? safeApply(this.state, event.state) : { ok: true, state: this.state };
    if (!result.ok) {
      // The hub applied these operations, so our copy differs from its document: take its copy.
      this.refetch([event]);
      return;
    }
    this.state = result.state;
    this.seq = event.seq;
    this.markDirty();
  }

  /** Fetches the state over HTTP, holding back the events that arrive until it is there. */
  private refetch(held: Envelope[] = []): void {
    if (this.held) this.held.push(...held);
    else {
      this.held = held;
      this.fetchState();
    }
  }

  private fetchState(): void {
    const fetch = ++this.fetches;
    this.client.fetchState(this.channel).then(
      (snapshot) => {
        if (fetch === this.fetches) this.adopt(snapshot);
      },
      (error: unknown) => {
        if (fetch !== this.fetches) return;
        this.update(this.status, toHeraldError(error));
        // Events delivered until the next fetch starts are in the state it returns: none to hold.
        const delay = Math.min(30_000, this.retryMs * 2 ** this.failures++);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          if (this.held) {
            this.held = [];
            this.fetchState();
          }
        }, delay);
      },
    );
  }

  private fail(error: HeraldError): void {
    this.update('error', error);
  }

  private update(status: ChannelStatus, error: HeraldError | null): void {
    this.status = status;
    this.error = error;
    this.markDirty();
  }

  private readonly flush = (): void => {
    const { state, epoch, seq, status, error } = this;
    const last = this.snapshot;
    if (
      last.state === state &&
      last.epoch === epoch &&
      last.seq === seq &&
      last.status === status &&
      last.error === error
    )
      return;
    this.snapshot = { state, epoch, seq, status, error };
    this.listeners.emit();
  };
}

/** `applyStateOps`, with a throw (operations the hub should never have sent) reported as a failure. */
function safeApply(state: JsonValue, ops: NonNullable<Envelope['state']>) {
  try {
    return applyStateOps(state, ops);
  } catch {
    return { ok: false } as const;
  }
}

function toHeraldError(error: unknown): HeraldError {
  return error instanceof HeraldError
    ? error
    : new HeraldError(ErrorCode.ConnectionLost, String(error), { cause: error });
}
