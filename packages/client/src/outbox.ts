import { ErrorCode, HeraldError, type JsonValue } from '@herald/protocol';
import type { OutboxEvent, OutboxOptions, PublishAck, StorageLike } from './types.js';

/** The default outbox: 100 messages, 3 retries, 1 hour, drop the oldest when full. */
export const DEFAULT_OUTBOX: OutboxOptions = {
  maxSize: 100,
  maxRetries: 3,
  ttlMs: 3_600_000,
  overflow: 'drop-oldest',
  storageKey: 'herald:outbox',
};

/** One message waiting for its ack. `tries` counts sends; `sent` is true while in flight on the current socket. */
export interface OutboxItem {
  readonly id: string;
  readonly channel: string;
  readonly type: string;
  readonly data: JsonValue;
  readonly expiresAt: number;
  tries: number;
  sent: boolean;
}

/** A FIFO of unacknowledged publishes, persisted after every change. */
export interface Outbox {
  /** Queues a message; the promise settles with its ack or a HeraldError. */
  push(channel: string, type: string, data: JsonValue, id: string): Promise<PublishAck>;
  /** Messages to send now, oldest first; drops expired ones and counts this send. */
  take(): OutboxItem[];
  /** Settles a message with its ack or a final error and removes it. */
  settle(item: OutboxItem, result: PublishAck | HeraldError): void;
  /** Marks every message unsent (the socket that carried them is gone). */
  reset(): void;
  size(): number;
  /** Rejects every pending promise with ERR_CLIENT_CLOSED; stored messages stay for the next client. */
  close(): void;
}

/** Creates an outbox, restoring messages a previous client left in `storage`. */
export function createOutbox(
  options: OutboxOptions,
  storage: StorageLike | null,
  now: () => number,
  notify: (event: OutboxEvent) => void,
): Outbox {
  let items: OutboxItem[] = restore(storage, options.storageKey);
  const waiters = new Map<OutboxItem, { resolve(ack: PublishAck): void; reject(error: HeraldError): void }>();

  const persist = () => {
    try {
      if (!storage) return;
      if (items.length)
        storage.setItem(options.storageKey, JSON.stringify(items.map(({ sent, ...rest }) => rest)));
      else storage.removeItem(options.storageKey);
    } catch {
      // Persistence is best effort (quota, serialisation); the in-memory queue still works.
    }
  };

  const finish = (item: OutboxItem, result: PublishAck | HeraldError, persistNow = true) => {
    const at = items.indexOf(item);
    if (at < 0) return;
    items.splice(at, 1);
    if (persistNow) persist();
    const waiter = waiters.get(item);
    waiters.delete(item);
    if (result instanceof HeraldError) {
      waiter?.reject(result);
      notify({ id: item.id, channel: item.channel, status: 'dropped', error: result });
    } else {
      waiter?.resolve(result);
      notify({ id: item.id, channel: item.channel, status: 'acked', ack: result });
    }
  };

  const expired = (item: OutboxItem, why: string) =>
    finish(item, new HeraldError(ErrorCode.OutboxExpired, `message ${item.id} ${why}`), false);

  return {
    push(channel, type, data, id) {
      const item: OutboxItem = {
        id,
        channel,
        type,
        data,
        expiresAt: now() + options.ttlMs,
        tries: 0,
        sent: false,
      };
      const full = () => new HeraldError(ErrorCode.OutboxFull, `outbox full (${options.maxSize})`);
      if (items.length >= options.maxSize) {
        const oldest = items[0];
        if (options.overflow !== 'drop-oldest' || !oldest) return Promise.reject(full());
        finish(oldest, full(), false);
      }
      const promise = new Promise<PublishAck>((resolve, reject) => waiters.set(item, { resolve, reject }));
      items.push(item);
      persist();
      notify({ id, channel, status: 'queued' });
      return promise;
    },
    take() {
      const out: OutboxItem[] = [];
      for (const item of [...items]) {
        if (item.sent) continue;
        if (item.expiresAt <= now()) expired(item, 'expired');
        else if (item.tries > options.maxRetries) expired(item, `unacknowledged after ${item.tries} sends`);
        else {
          item.tries++;
          item.sent = true;
          out.push(item);
        }
      }
      persist();
      return out;
    },
    settle: finish,
    reset() {
      for (const item of items) item.sent = false;
    },
    size: () => items.length,
    close() {
      const error = new HeraldError(ErrorCode.ClientClosed, 'client closed');
      for (const waiter of waiters.values()) waiter.reject(error);
      waiters.clear();
      items = [];
    },
  };
}

function restore(storage: StorageLike | null, key: string): OutboxItem[] {
  try {
    const saved: unknown = JSON.parse(storage?.getItem(key) ?? '[]');
    return Array.isArray(saved) ? saved.map((item: OutboxItem) => ({ ...item, sent: false })) : [];
  } catch {
    return []; // corrupt storage must not break start-up
  }
}
