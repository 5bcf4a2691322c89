import type { OutboxItem } from './outbox.js';
import type { ChannelTrack } from './subscriptions.js';

/**
 * A request waiting for the hub's reply, by kind: a `subscribed` or `error` answers a subscribe for its
 * channel, an `ack` or `error` a publish of an outbox message. `unsubscribe` and `refresh` need no
 * bookkeeping (their replies change nothing), so they are never pending.
 */
export type PendingRequest =
  | { readonly kind: 'subscribe'; readonly track: ChannelTrack }
  | { readonly kind: 'publish'; readonly item: OutboxItem };

/** The requests of the current connection waiting for a reply, by rid. */
export interface Requests {
  /** Remembers `request` until its reply; returns its new rid. */
  add(request: PendingRequest): string;
  /** A new rid for a request no reply is expected to settle (`u` unsubscribe, `r` refresh). */
  rid(prefix: string): string;
  /** The request `rid` answers, forgotten from now on; undefined when none waits under it. */
  take(rid: string | undefined): PendingRequest | undefined;
  /** Forgets every request (their connection is gone). */
  clear(): void;
}

/** Creates an empty set of requests. Rids are unique per client: a kind's initial and a counter. */
export function createRequests(): Requests {
  const pending = new Map<string, PendingRequest>();
  let n = 0;
  const rid = (prefix: string) => `${prefix}${++n}`;
  return {
    add(request) {
      const id = rid(request.kind[0]!);
      pending.set(id, request);
      return id;
    },
    rid,
    take(id) {
      // No request has the key `undefined`: a message without a rid finds nothing.
      const request = pending.get(id!);
      pending.delete(id!);
      return request;
    },
    clear: () => pending.clear(),
  };
}
