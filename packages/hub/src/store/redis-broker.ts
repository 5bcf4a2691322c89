import { randomUUID } from 'node:crypto';
import type { Envelope } from '@herald/protocol';
import { Redis } from 'ioredis';
import { encodeAnnouncement, readAnnouncement } from './announcement.js';
import {
  createHandlerSet,
  createResyncHandlers,
  type EnvelopeHandler,
  reportingDelivery,
} from './handler-set.js';
import { closedError } from './ids.js';
import { DEFAULT_REDIS_PREFIX } from './redis.js';
import type { Broker } from './types.js';

/** Options of {@link createRedisBroker}. */
export interface RedisBrokerOptions {
  /** Redis URL, such as `redis://127.0.0.1:6379`. */
  readonly url: string;
  /**
   * Prepended to the pub/sub channel name; nodes fan out to each other only when it matches.
   * @default 'herald:'
   */
  readonly keyPrefix?: string;
  /**
   * Called when a message from another node cannot be parsed or a handler throws.
   * @default emits a process warning
   */
  readonly onError?: (error: unknown) => void;
}

/** A {@link Broker} that also reports when its subscription is live. */
export interface RedisBroker extends Broker {
  /** Resolves once this node receives other nodes' publishes (rejects if Redis refuses the subscription). */
  ready(): Promise<void>;
  /** Calls `handler` each time the subscription is live again after a loss ({@link Broker.onResync}). */
  onResync(handler: () => void): () => void;
}

/**
 * A multi-node {@link Broker} over Redis pub/sub, for hub nodes sharing one store (the Redis store), so
 * that seqs are shared. `publish` delivers to this node's handlers at once and sends one message to the
 * other nodes, which deliver it to theirs, in the order Redis relayed them. Pub/sub is at-most-once, and
 * two nodes' announcements of one channel may cross: the broker does not repair either. The hub's
 * per-channel fan-out does (`ChannelSequencer`): it reads any seq it did not receive from the shared store
 * and drops repeats, so subscribers still get every seq once, in order. Each message carries the epoch of
 * the envelopes, so a history that Redis lost (a restart without persistence, a deleted key) and that
 * started again at seq 1 is seen as a reset, not as repeats. When the subscriber connection comes back
 * after a loss (Redis restarted, the connection was cut), announcements made meanwhile were not heard:
 * once it is subscribed again, `onResync` handlers are called, and the hub has every channel with local
 * subscribers compare itself with the store. Handler errors are reported to `onError`; they do not reject
 * `publish`.
 */
export function createRedisBroker(options: RedisBrokerOptions): RedisBroker {
  const topic = `${options.keyPrefix ?? DEFAULT_REDIS_PREFIX}broker`;
  const nodeId = randomUUID();
  const onError =
    options.onError ?? ((error: unknown) => process.emitWarning(`herald: redis broker: ${error}`));
  const publisher = new Redis(options.url);
  // A subscribed connection can run nothing else, hence a second one.
  const subscriber = new Redis(options.url);
  publisher.on('error', () => {});
  subscriber.on('error', () => {});
  const handlers = createHandlerSet();
  const deliver = reportingDelivery(handlers, onError);
  const resync = createResyncHandlers(onError);
  let closed = false;

  subscriber.on('message', (channel: string, raw: string) => {
    if (channel !== topic || closed) return;
    try {
      const other = readAnnouncement(nodeId, raw);
      if (other) deliver(other.channel, other.envelopes, other.epoch);
    } catch (error) {
      onError(error);
    }
  });
  const subscribed = subscriber.subscribe(topic).then(() => undefined);
  // Surfaced through ready(); not an unhandled rejection when nobody asks.
  subscribed.catch(() => {});

  // Every 'ready' after the first is a reconnect. ioredis resubscribes on its own; subscribing again (a
  // no-op for Redis) tells when the subscription is live, so no announcement falls before the resync.
  let connectedBefore = false;
  subscriber.on('ready', () => {
    if (!connectedBefore) {
      connectedBefore = true;
      return;
    }
    subscriber.subscribe(topic).then(
      () => {
        if (!closed) resync.fire();
      },
      // The connection went again: its next 'ready' tries again.
      () => {},
    );
  });

  return {
    async publish(channel: string, envelopes: readonly Envelope[], epoch?: string): Promise<void> {
      if (closed) throw closedError('redis broker');
      if (envelopes.length === 0) return;
      const sent = publisher.publish(topic, encodeAnnouncement(nodeId, channel, envelopes, epoch));
      deliver(channel, envelopes, epoch);
      await sent;
    },
    onEnvelopes(handler: EnvelopeHandler): () => void {
      return handlers.add(handler);
    },
    onResync(handler: () => void): () => void {
      return resync.add(handler);
    },
    ready(): Promise<void> {
      return subscribed;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      handlers.clear();
      resync.clear();
      await Promise.all([
        publisher.quit().catch(() => publisher.disconnect()),
        subscriber.quit().catch(() => subscriber.disconnect()),
      ]);
    },
  };
}
