import type { Envelope, HistoryExtent, JsonValue, Position, PublishInput } from '@herald/protocol';

/** Where a channel's history stands, as the stores report it: the protocol's {@link HistoryExtent}. */
export type ChannelInfo = HistoryExtent;

/**
 * A channel's state document with the position it is at: the state after folding every event up to and
 * including `seq` (events without operations fold as no change, so `seq` is the channel's last seq). A
 * channel that never had state is `{}` at its last seq (0 when it has no events).
 */
export type ChannelState = Position & { readonly state: JsonValue };

/** The outcome of one publish (one event of a batch). */
export interface AppendedEvent {
  readonly id: string;
  readonly seq: number;
  /** True when an event with this id was already stored; nothing new was stored for it. */
  readonly duplicate: boolean;
}

/** The outcome of appending a batch to one channel. */
export interface AppendResult {
  /** One entry per input, in input order. */
  readonly results: readonly AppendedEvent[];
  /** The envelopes that were newly stored, in seq order: these are what subscribers receive. */
  readonly stored: readonly Envelope[];
  /**
   * The epoch of the history the events were stored in. It travels with them on the broker, so every
   * node tells a reset history (seqs starting again at 1) from duplicates of the one it knows.
   */
  readonly epoch: string;
}

/** History retention; all three limits apply. */
export interface RetentionOptions {
  /**
   * Most events kept per channel.
   * @default 10000
   */
  readonly maxCount: number;
  /**
   * Oldest event kept, in milliseconds.
   * @default 86400000 (24 h)
   */
  readonly maxAgeMs: number;
  /**
   * Most payload bytes (the `data` JSON, UTF-8) kept per channel; the oldest events go first, and the newest
   * event is always kept. Every store honours it; NATS JetStream counts whole stored messages (the payload
   * plus the id, ts and type, about 100 bytes more per event) as its stream's `max_bytes`.
   * @default 67108864 (64 MiB)
   */
  readonly maxBytes: number;
}

/**
 * Durable, ordered, per-channel event history. Every method is async so that networked stores (Redis
 * Streams) fit the same shape. `append` must be atomic per channel: concurrent appends never share or skip
 * a seq, and an id already stored in the channel's retained history is not stored twice.
 *
 * Channel state: `append` applies each newly stored input's `state` operations (with `applyStateOps`), in
 * seq order, to the channel's state document in the same transaction as the events; a duplicate applies
 * nothing again. When any event's operations fail, or the document would exceed the store's
 * `maxStateBytes`, the whole call is refused with a `HeraldError` (`ERR_BAD_STATE_OP`,
 * `ERR_STATE_CONFLICT`, `ERR_STATE_TEST_FAILED`, `ERR_STATE_TOO_LARGE`) and nothing of it is stored. The
 * state never depends on retention. A store that cannot keep state refuses with `ERR_STATE_UNSUPPORTED`.
 */
export interface EventStore {
  /** Stores events in order, assigns their seqs and folds their state operations. */
  append(channel: string, inputs: readonly PublishInput[]): Promise<AppendResult>;
  /**
   * The channel's state document and the position it is at, read consistently (exactly the state after
   * `seq`). Stores nothing for a channel never written, as {@link EventStore.info}.
   */
  state(channel: string): Promise<ChannelState>;
  /**
   * Events with `seq > afterSeq`, oldest first, at most `limit`, and no more than fit `maxBytes` of payload
   * (the length of their `data` JSON: UTF-16 units or UTF-8 bytes, as the store counts, which agree for
   * ASCII): a page holds at least one event whatever its size, so a reader always makes progress. Without
   * `maxBytes` only `limit` bounds the page. Wrappers must pass it on.
   */
  read(
    channel: string,
    afterSeq: number,
    limit: number,
    maxBytes?: number,
  ): Promise<{ info: ChannelInfo; events: Envelope[] }>;
  /**
   * The channel's position. A channel never written is stored nowhere by a read (reads of any number of
   * names leave no trace): it answers `lastSeq` 0, `firstSeq` 1 and the epoch its first append will store,
   * so a client that subscribed while it was empty resumes in the same epoch.
   */
  info(channel: string): Promise<ChannelInfo>;
  /** Applies retention now. Stores also apply it on their own schedule. */
  trim(): Promise<void>;
  /** Flushes and releases resources. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Delivers newly stored envelopes to every hub node's local subscribers. A single node uses the in-process
 * broker; a multi-node deployment uses a networked one (Redis pub/sub) with the same shape.
 *
 * `epoch` is the history the envelopes belong to ({@link AppendResult.epoch}); a broker hands it to its
 * handlers with the envelopes. It is optional only so that brokers written before epochs keep working: a
 * batch without one is taken to be of the epoch its receiver knows, so such a broker cannot make a history
 * reset seen before the hub's own resume checks do.
 */
export interface Broker {
  /** Announces envelopes newly stored in `channel` (in seq order) under `epoch`. */
  publish(channel: string, envelopes: readonly Envelope[], epoch?: string): Promise<void>;
  /** Registers the node's local fan-out. Returns a function that removes it. */
  onEnvelopes(handler: (channel: string, envelopes: readonly Envelope[], epoch?: string) => void): () => void;
  /**
   * Registers `handler`, called each time the broker's subscription is live again after it was lost
   * (announcements made meanwhile were not heard, and the store may have been reset). The hub then has
   * every channel with local subscribers compare what it delivered with the store. Optional: a broker that
   * never loses announcements (in-process) or repairs them itself needs none. Returns a function that
   * removes it.
   */
  onResync?(handler: () => void): () => void;
  close(): Promise<void>;
}
