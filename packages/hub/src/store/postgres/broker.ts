import type { Envelope } from '@herald/protocol';
import {
  createHandlerSet,
  createResyncHandlers,
  type EnvelopeHandler,
  reportingDelivery,
} from '../handler-set.js';
import { closedError } from '../ids.js';
import { DEFAULT_PAGE_BYTES } from '../read-page.js';
import type { Broker } from '../types.js';
import { createListener } from './listener.js';
import type { PostgresStore } from './store.js';

/** Options of {@link createPostgresBroker}. */
export interface PostgresBrokerOptions {
  /** Connection string of the database the store uses. */
  readonly url: string;
  /** This node's store: its appends send the notifications, and announced events are read from it. */
  readonly store: PostgresStore;
  /**
   * How often the LISTEN connection is probed; also bounds how late a silent drop is noticed.
   * @default 5000
   */
  readonly heartbeatMs?: number;
  /**
   * Called when a notification cannot be handled or a handler throws.
   * @default emits a process warning
   */
  readonly onError?: (error: unknown) => void;
}

/** A {@link Broker} that also reports when its LISTEN connection is live. */
export interface PostgresBroker extends Broker {
  /** Resolves once this node receives other nodes' notifications. */
  ready(): Promise<void>;
  /** Calls `handler` each time the LISTEN connection is live again after a loss ({@link Broker.onResync}). */
  onResync(handler: () => void): () => void;
}

/** A notification: origin store, channel, and the seq range [f, t] an append stored. */
interface Position {
  readonly o?: string;
  readonly c: string;
  readonly f: number;
  readonly t: number;
}

/** Margin for transactions that stamped `updated_at` before the heartbeat but committed after it. */
const CATCH_UP_MARGIN_MS = 30_000;
/** Most events read per query when following a notification. */
const PAGE = 500;

/**
 * A multi-node {@link Broker} over PostgreSQL LISTEN/NOTIFY, paired with {@link createPostgresStore}.
 * Notifications carry positions (channel and seq range), never payloads: each node reads the events from
 * the table, one channel at a time in arrival order, and hands them to its fan-out. `publish` delivers to
 * this node at once (the store's append already notified the others, in its transaction).
 *
 * NOTIFY is at-most-once for a listener that is disconnected. After the LISTEN connection comes back
 * (a PostgreSQL restart, a network cut) the broker asks the store which channels changed while it was
 * away and delivers each one's newest event: the hub's per-channel sequencer sees the gap and reads the
 * missing seqs, exactly as after a lost Redis message. It also calls its `onResync` handlers then, so
 * every channel with local subscribers compares itself with the store.
 */
export function createPostgresBroker(options: PostgresBrokerOptions): PostgresBroker {
  const { store } = options;
  const onError =
    options.onError ?? ((error: unknown) => process.emitWarning(`herald: postgres broker: ${error}`));
  const handlers = createHandlerSet();
  let closed = false;
  // After close the handler set is empty, so late deliveries reach no one.
  const deliver = reportingDelivery(handlers, onError);
  const resync = createResyncHandlers(onError);

  // Per channel with a reader running: the seq range announced and not yet read.
  const pending = new Map<string, { from: number; to: number }>();
  function want(channel: string, from: number, to: number): void {
    const entry = pending.get(channel);
    if (entry === undefined) {
      const fresh = { from, to };
      pending.set(channel, fresh);
      void follow(channel, fresh);
      return;
    }
    entry.from = Math.min(entry.from, from);
    entry.to = Math.max(entry.to, to);
  }
  async function follow(channel: string, entry: { from: number; to: number }): Promise<void> {
    try {
      while (!closed && entry.from <= entry.to) {
        const { from, to } = entry;
        entry.from = to + 1;
        for (let after = from - 1; after < to && !closed; ) {
          const { info, events } = await store.read(
            channel,
            after,
            Math.min(PAGE, to - after),
            DEFAULT_PAGE_BYTES,
          );
          const end = events[events.length - 1];
          if (end === undefined) break; // trimmed meanwhile: the sequencer reports the hole
          deliver(channel, events, info.epoch);
          after = end.seq;
        }
      }
    } catch (error) {
      if (!closed) onError(error);
    } finally {
      pending.delete(channel);
    }
  }

  async function catchUp(aliveUntil: Date): Promise<void> {
    try {
      const changed = await store.changedSince(new Date(aliveUntil.getTime() - CATCH_UP_MARGIN_MS));
      for (const { channel, lastSeq } of changed) want(channel, lastSeq, lastSeq);
    } catch (error) {
      if (!closed) onError(error);
    }
  }

  const listener = createListener({
    url: options.url,
    topic: store.topic,
    heartbeatMs: options.heartbeatMs ?? 5000,
    onError,
    onNotify(payload) {
      try {
        const p = JSON.parse(payload) as Position;
        if (p.o !== store.origin && typeof p.c === 'string') want(p.c, p.f, p.t);
      } catch (error) {
        onError(error);
      }
    },
    onListening(aliveUntil) {
      if (aliveUntil === null || closed) return;
      void catchUp(aliveUntil);
      resync.fire();
    },
  });

  return {
    async publish(channel: string, envelopes: readonly Envelope[], epoch?: string): Promise<void> {
      if (closed) throw closedError('postgres broker');
      deliver(channel, envelopes, epoch);
    },
    onEnvelopes(handler: EnvelopeHandler): () => void {
      return handlers.add(handler);
    },
    onResync(handler: () => void): () => void {
      return resync.add(handler);
    },
    ready: () => listener.ready,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      handlers.clear();
      resync.clear();
      await listener.close();
    },
  };
}
