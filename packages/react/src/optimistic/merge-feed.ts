import type { Envelope, JsonValue } from '@herald/protocol';
import type { LocalItem } from './local-items.js';

/** What `keyOf` sees: a hub event, or a local item before its event arrived. */
export interface KeyedEvent<T = JsonValue> {
  readonly id: string;
  readonly type: string;
  readonly data: T;
}

/**
 * The entity an event is about (`data.goalId`, …), so one entity is one item however many events carry it
 * and whoever published them; `null` or `undefined` keys the event by its own id.
 */
export type KeyOf<T = JsonValue> = (event: KeyedEvent<T>) => string | null | undefined;

/** One row of an optimistic feed: a hub event, or a local item standing in for one. */
export interface FeedItem<T = JsonValue> {
  /** Stable across the local item and its event (`keyOf`, else the event id): use it as the React key. */
  readonly key: string;
  /** The event id (the publish id for a local item). */
  readonly id: string;
  readonly type: string;
  readonly data: T;
  /** The hub's seq: from the event, or from the ack of a local item; null while pending. */
  readonly seq: number | null;
  /** The event's time; null for a local item. */
  readonly ts: string | null;
  /** True until the hub acknowledged the write (or its event arrived). */
  readonly pending: boolean;
  /** The hub's event, or null while the item is shown from its local copy. */
  readonly event: Envelope<T> | null;
  /**
   * Epoch ms when this item (or its latest update) arrived live or was inserted locally; null for items
   * replayed from history. Feeds highlights: `useHighlight(item.receivedAt)`.
   */
  readonly receivedAt: number | null;
  /** How many later events (same `keyOf` key) updated this item after its first one. */
  readonly updates: number;
}

interface Entry {
  /** Where the item sorts: the seq of its first event, the ack's seq, or after every event while pending. */
  readonly order: number;
  item: FeedItem<JsonValue>;
}

/** What {@link mergeFeed} found, besides the items. */
export interface MergedFeed<T = JsonValue> {
  /** Hub events in seq order (one item per key), local items in their place. */
  readonly items: readonly FeedItem<T>[];
  /** Local items whose own event is in `events` now: the event shows them, the local copy can go. */
  readonly reconciled: readonly LocalItem[];
}

/**
 * Merges a channel's events with its local items. An event with a local item's id replaces it in place
 * (same key, same position, never both). With `keyOf`, events about one entity are one item: the first
 * one's position, the newest one's content; a local item about an entity the feed already shows takes that
 * item's place while it is newer (its event, or any later event about the entity, replaces it). Local
 * items with an ack sort by its seq, pending ones come last in insertion order.
 */
export function mergeFeed<T = JsonValue>(
  events: readonly Envelope<T>[],
  locals: readonly LocalItem[],
  keyOf: KeyOf<T> | undefined,
  receivedAt: (id: string) => number | null,
): MergedFeed<T> {
  const keyFor = (e: KeyedEvent<T>): string => keyOf?.(e) ?? e.id;
  const entries: Entry[] = [];
  const byKey = new Map<string, Entry>();
  const ids = new Set<string>();
  /** The seq of the newest event per key, to tell whether a local item is newer. */
  const newestSeq = new Map<string, number>();

  for (const event of events) {
    ids.add(event.id);
    const key = keyFor(event);
    newestSeq.set(key, event.seq);
    const existing = byKey.get(key);
    const item = fromEvent(event, key, receivedAt(event.id), existing ? existing.item.updates + 1 : 0);
    if (existing === undefined) {
      const entry: Entry = { order: event.seq, item };
      entries.push(entry);
      byKey.set(key, entry);
    } else existing.item = item;
  }

  const reconciled: LocalItem[] = [];
  let unsorted = false;
  for (const local of locals) {
    if (ids.has(local.id)) {
      reconciled.push(local);
      continue;
    }
    const key = keyFor({ id: local.id, type: local.type, data: local.data as T });
    // A later event about the same entity supersedes the local item (it is at least as new).
    if ((newestSeq.get(key) ?? Number.NEGATIVE_INFINITY) > local.afterSeq) continue;
    const existing = byKey.get(key);
    const item = fromLocal(local, key, existing ? existing.item.updates + 1 : 0);
    if (existing !== undefined) existing.item = item;
    else {
      const entry: Entry = { order: local.seq ?? Number.POSITIVE_INFINITY, item };
      if (local.seq !== null) unsorted = true;
      entries.push(entry);
      byKey.set(key, entry);
    }
  }
  // Stable: events keep seq order, pending items keep insertion order after them.
  if (unsorted) entries.sort((a, b) => a.order - b.order);
  return { items: entries.map((e) => e.item) as unknown as FeedItem<T>[], reconciled };
}

function fromEvent<T>(
  event: Envelope<T>,
  key: string,
  receivedAt: number | null,
  updates: number,
): FeedItem<JsonValue> {
  return {
    key,
    id: event.id,
    type: event.type,
    data: event.data as JsonValue,
    seq: event.seq,
    ts: event.ts,
    pending: false,
    event: event as unknown as Envelope,
    receivedAt,
    updates,
  };
}

function fromLocal(local: LocalItem, key: string, updates: number): FeedItem<JsonValue> {
  return {
    key,
    id: local.id,
    type: local.type,
    data: local.data,
    seq: local.seq,
    ts: null,
    pending: local.seq === null,
    event: null,
    receivedAt: local.insertedAt,
    updates,
  };
}
