import { randomUUID } from 'node:crypto';
import type { Envelope } from '@herald/protocol';
import { encodeAnnouncement, readAnnouncement } from '../announcement.js';
import {
  createHandlerSet,
  createResyncHandlers,
  type EnvelopeHandler,
  reportingDelivery,
} from '../handler-set.js';
import { closedError } from '../ids.js';
import type { Broker } from '../types.js';
import { lazySession } from './connection.js';
import type { NatsStore } from './store.js';

/** Options of {@link createNatsBroker}. */
export interface NatsBrokerOptions {
  /** NATS server URL(s), the ones the store uses. */
  readonly servers: string | string[];
  /** This node's store: after a reconnect the broker asks it what changed meanwhile. */
  readonly store: NatsStore;
  /**
   * Core NATS subject the nodes announce on.
   * @default `${store.subjectPrefix}.broker` (never one of the stores' event subjects)
   */
  readonly subject?: string;
  /**
   * Called when a message from another node cannot be handled or a handler throws.
   * @default emits a process warning
   */
  readonly onError?: (error: unknown) => void;
}

/** A {@link Broker} that also reports when its subscription is live. */
export interface NatsBroker extends Broker {
  /** Resolves once this node receives other nodes' announcements. */
  ready(): Promise<void>;
  /** Calls `handler` each time the subscription is live again after a loss ({@link Broker.onResync}). */
  onResync(handler: () => void): () => void;
}

/** Larger announcements carry only their newest envelope; the receiving sequencer reads the rest. */
const MAX_MESSAGE_BYTES = 256 * 1024;
/** Slack for clock skew between this node and the NATS server when catching up. */
const CATCH_UP_MARGIN_MS = 30_000;

/**
 * A multi-node {@link Broker} over core NATS, for hub nodes sharing the JetStream store. Like the Redis
 * broker it is at-most-once: a lost announcement is repaired by the hub's per-channel sequencer, which
 * reads missing seqs from the store. After a reconnect (a NATS restart) the broker delivers the newest
 * envelope of every channel written since it lost the connection, so a gap is noticed even when no later
 * event comes, and calls its `onResync` handlers, so every channel with local subscribers compares itself
 * with the store (which finds a reset even of a channel not written since).
 */
export function createNatsBroker(options: NatsBrokerOptions): NatsBroker {
  const { store } = options;
  const subject = options.subject ?? `${store.subjectPrefix}.broker`;
  const onError =
    options.onError ?? ((error: unknown) => process.emitWarning(`herald: nats broker: ${error}`));
  const nodeId = randomUUID();
  const session = lazySession(options.servers, 'herald-broker');
  const handlers = createHandlerSet();
  let closed = false;
  // After close the handler set is empty, so late deliveries reach no one.
  const deliver = reportingDelivery(handlers, onError);
  const resync = createResyncHandlers(onError);

  async function catchUp(since: Date): Promise<void> {
    for (let attempt = 0; attempt < 10 && !closed; attempt++) {
      try {
        for (const { channel, lastSeq } of await store.changedSince(since)) {
          const { info, events } = await store.read(channel, lastSeq - 1, 1);
          deliver(channel, events, info.epoch);
        }
        return;
      } catch (error) {
        if (attempt === 9 && !closed) onError(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  const subscribed = session.get().then(async ({ nc }) => {
    nc.subscribe(subject, {
      callback: (error, msg) => {
        if (error !== null || closed) return;
        try {
          const other = readAnnouncement(nodeId, msg.string());
          if (other) deliver(other.channel, other.envelopes, other.epoch);
        } catch (e) {
          onError(e);
        }
      },
    });
    await nc.flush();
    void (async () => {
      let lostAt: number | null = null;
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') lostAt ??= Date.now();
        if (status.type === 'reconnect' && lostAt !== null) {
          const since = new Date(lostAt - CATCH_UP_MARGIN_MS);
          lostAt = null;
          void catchUp(since);
          // The client resent its subscriptions on reconnect; a round trip makes sure they are live.
          nc.flush().then(
            () => {
              if (!closed) resync.fire();
            },
            () => {},
          );
        }
      }
    })();
  });
  subscribed.catch(() => {});

  return {
    async publish(channel: string, envelopes: readonly Envelope[], epoch?: string): Promise<void> {
      if (closed) throw closedError('nats broker');
      if (envelopes.length === 0) return;
      deliver(channel, envelopes, epoch);
      const body = encodeAnnouncement(nodeId, channel, envelopes, epoch, MAX_MESSAGE_BYTES);
      const { nc } = await session.get();
      nc.publish(subject, body);
    },
    onEnvelopes(handler: EnvelopeHandler): () => void {
      return handlers.add(handler);
    },
    onResync(handler: () => void): () => void {
      return resync.add(handler);
    },
    ready: () => subscribed,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      handlers.clear();
      resync.clear();
      await session.close();
    },
  };
}
