import type { JsonValue, ServerMessage } from '@herald/protocol';
import type { ClientContext, Link } from './context.js';
import { replyError } from './handshake.js';
import type { Outbox, OutboxItem } from './outbox.js';
import type { PublishAck } from './types.js';

let fallbackIds = 0;
/** A unique event id, so retried publishes are stored once. */
const newId = (): string =>
  globalThis.crypto?.randomUUID?.() ??
  `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${++fallbackIds}`;

/** Sends the outbox's messages while connected and settles each with the hub's reply. */
export interface Publisher {
  /** Queues one event (with a new id unless given) and sends it when connected; wakes a lazy client. */
  publish(channel: string, type: string, data: JsonValue, id: string | undefined): Promise<PublishAck>;
  /** Sends every queued message not in flight, if connected. */
  flush(): void;
  /**
   * The hub's reply to the publish of `item`: an `ack` settles it; an `error` is final unless retryable
   * (rate limited), which resends after a pause.
   */
  reply(item: OutboxItem, m: ServerMessage): void;
}

/** Creates the publisher over `outbox`; it sends through `link`. */
export function createPublisher(ctx: ClientContext, outbox: Outbox, link: Link): Publisher {
  const { send, wake, checkIdle } = link;
  const flush = () => {
    if (ctx.store.state !== 'connected') return;
    for (const item of outbox.take()) {
      const rid = ctx.requests.add({ kind: 'publish', item });
      send({
        type: 'publish',
        rid,
        channel: item.channel,
        event: { type: item.type, data: item.data, id: item.id },
      });
    }
  };
  return {
    publish(channel, type, data, id) {
      const promise = outbox.push(channel, type, data, id ?? newId());
      wake();
      flush();
      return promise;
    },
    flush,
    reply(item, m) {
      if (m.type === 'ack') {
        outbox.settle(item, { channel: m.channel, id: m.id, seq: m.seq, duplicate: m.duplicate === true });
        checkIdle();
      } else if (m.type === 'error') {
        const error = replyError(m);
        if (!error.retryable) outbox.settle(item, error);
        else {
          item.sent = false; // e.g. rate limited: resend after a pause
          ctx.timers.set('flush', ctx.backoff.initialMs, flush);
        }
      }
    },
  };
}
