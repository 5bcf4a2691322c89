import type { JsonValue } from '../envelope.js';
import { isRecord } from '../validate.js';

/** One live entry of a collection. */
export interface CollectionEntry<T = JsonValue> {
  readonly key: string;
  readonly value: T;
  /** When the entry expires (ms since the epoch), or null. */
  readonly expiresAt: number | null;
}

/** A collection as views show it. */
export interface CollectionView<T = JsonValue> {
  /** Live entries, in the order their keys were first set (keys that look like array indexes first, as in JSON objects). */
  readonly entries: readonly CollectionEntry<T>[];
  /** The earliest expiry among live entries, so a view can hide that entry on time; null when none. */
  readonly nextExpiryAt: number | null;
}

/**
 * Reads a state document as a collection at time `now`: entries whose expiry has passed are left out even
 * before the hub's removal event arrives.
 */
export function readCollection<T = JsonValue>(
  state: JsonValue | undefined,
  now: number = Date.now(),
): CollectionView<T> {
  const items = isRecord(state) && isRecord(state.items) ? state.items : {};
  const expiries = isRecord(state) && isRecord(state.expiresAt) ? state.expiresAt : {};
  const entries: CollectionEntry<T>[] = [];
  let nextExpiryAt: number | null = null;
  for (const key of Object.keys(items)) {
    const at = expiries[key];
    const expiresAt = typeof at === 'number' && Number.isFinite(at) ? at : null;
    if (expiresAt !== null && expiresAt <= now) continue;
    if (expiresAt !== null && (nextExpiryAt === null || expiresAt < nextExpiryAt)) nextExpiryAt = expiresAt;
    entries.push({ key, value: items[key] as T, expiresAt });
  }
  return { entries, nextExpiryAt };
}

/** Every key with an expiry time in a collection document, for a hub that schedules removals. */
export function collectionExpiries(state: JsonValue | undefined): [key: string, at: number][] {
  const expiries = isRecord(state) && isRecord(state.expiresAt) ? state.expiresAt : {};
  const out: [string, number][] = [];
  for (const [key, at] of Object.entries(expiries))
    if (typeof at === 'number' && Number.isFinite(at)) out.push([key, at]);
  return out;
}
