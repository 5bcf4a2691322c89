import type { JsonValue } from '../envelope.js';
import type { StateOp } from '../state/ops.js';
import { pointerOf } from '../state/pointer.js';

/** The event type of the events a hub publishes when it removes expired collection entries. */
export const COLLECTION_EXPIRED_TYPE = 'herald.expired';

/** Options of {@link collectionOps}.set. */
export interface CollectionSetOptions {
  /** Remove the entry this long after now (milliseconds). Without it, the entry never expires. */
  readonly ttlMs?: number;
  /** "Now" in milliseconds since the epoch, for tests. @default Date.now() */
  readonly now?: number;
}

const item = (key: string): string => pointerOf('items', key);
const expiry = (key: string): string => pointerOf('expiresAt', key);
/** Removes a value whether or not it exists (add, then remove), so removals are idempotent. */
const clear = (path: string): StateOp[] => [
  { op: 'add', path, value: null },
  { op: 'remove', path },
];

/**
 * Builders of the state operations of a keyed collection (PROTOCOL.md, "Collections"): one entry per key
 * under `/items`, with an optional expiry time per key under `/expiresAt`. Each returns a list to send as an
 * event's `state`.
 */
export const collectionOps = {
  /** Adds or replaces the entry at `key`, and sets (or clears) its expiry. */
  set(key: string, value: JsonValue, options: CollectionSetOptions = {}): StateOp[] {
    const at = options.ttlMs === undefined ? null : (options.now ?? Date.now()) + options.ttlMs;
    return [
      { op: 'add', path: item(key), value },
      { op: 'add', path: expiry(key), value: at },
    ];
  },
  /** Applies `ops` inside the entry at `key` (their paths are relative to the entry). */
  update(key: string, ops: readonly StateOp[]): StateOp[] {
    const base = item(key);
    return ops.map((op) => {
      const path = `${base}${op.path}`;
      return 'from' in op ? { ...op, path, from: `${base}${op.from}` } : { ...op, path };
    });
  },
  /** Removes the entry at `key` (nothing happens when there is none). */
  remove(key: string): StateOp[] {
    return [...clear(item(key)), ...clear(expiry(key))];
  },
  /**
   * What a hub publishes when the entry at `key` expired at `at`: it applies only if the expiry is still
   * `at` (a `test`), so an entry set again in the meantime stays.
   */
  expire(key: string, at: number): StateOp[] {
    return [{ op: 'test', path: expiry(key), value: at }, ...collectionOps.remove(key)];
  },
};

/** The idempotency id of the expiry event of `key` at `at`, the same on every hub node. */
export function expiryEventId(key: string, at: number): string {
  const id = `${COLLECTION_EXPIRED_TYPE}:${at}:${key}`;
  return id.length <= 128 ? id : id.slice(0, 128);
}
