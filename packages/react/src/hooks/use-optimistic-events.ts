import { DEFAULT_OUTBOX, type PublishAck, type StorageLike } from '@herald/client';
import type { Envelope, JsonValue } from '@herald/protocol';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { useHeraldClient } from '../context.js';
import { getLocalItems, type LocalFailure } from '../optimistic/local-items.js';
import { type FeedItem, type KeyOf, mergeFeed } from '../optimistic/merge-feed.js';
import {
  type ChannelEventsResult,
  type UseChannelEventsOptions,
  useChannelEvents,
} from './use-channel-events.js';
import { useChannelStore } from './use-channel-store.js';

/** Options of {@link useOptimisticEvents}. */
export interface UseOptimisticEventsOptions<T = JsonValue> extends UseChannelEventsOptions {
  /**
   * The entity an event is about, so one entity is one item whoever created it: a local item and an
   * event about the same entity published by someone else (the app's backend echoing a create) show
   * once. `null` or `undefined` keys an event by its id.
   * @default none (every event is its own item, keyed by id)
   */
  readonly keyOf?: KeyOf<T>;
  /**
   * The storage the client's outbox is persisted to (`createClient({ persistence })`): the channel's
   * messages still waiting there from an earlier page (a reload while offline) are shown pending on
   * mount, then reconciled like any other. Pass the same storage the client was given.
   * @default null (only items inserted through this hook while the page lives)
   */
  readonly persistence?: StorageLike | null;
  /**
   * The key the client's outbox uses in `persistence` (`createClient({ outbox: { storageKey } })`).
   * @default 'herald:outbox' (`DEFAULT_OUTBOX.storageKey`)
   */
  readonly outboxKey?: string;
}

/** A local item whose write finally failed: it was rolled back from `items`. */
export interface OptimisticFailure<T = JsonValue> {
  /** The publish id (or the id `insert` returned). */
  readonly id: string;
  readonly type: string;
  readonly data: T;
  /** The hub's refusal (`ERR_FORBIDDEN`, …), `ERR_OUTBOX_EXPIRED`/`ERR_OUTBOX_FULL`, or the write's rejection. */
  readonly error: Error;
}

/** What {@link useOptimisticEvents} returns. */
export interface OptimisticEventsResult<T = JsonValue> extends Omit<ChannelEventsResult<T>, 'events'> {
  /** The channel's events and the local items standing in for the ones on their way, oldest first. */
  readonly items: readonly FeedItem<T>[];
  /** The channel's events as `useChannelEvents` returns them (without local items). */
  readonly events: readonly Envelope<T>[];
  /**
   * Shows `{ type, data }` at once as a pending item, then publishes it through the client (queued while
   * offline, retried, persisted when the client persists its outbox) under `options.id` or a fresh id.
   * The hub's event with that id replaces the item in place; a final failure removes it and adds a
   * failure. The promise settles like `client.publish`'s (it rejects on that failure too).
   */
  publish(type: string, data: T, options?: { id?: string }): Promise<PublishAck>;
  /**
   * Shows `event` at once as a pending item for a write that does not go through this client (a REST
   * call whose backend publishes the event): the hub's event with `event.id`, or, with `keyOf`, any newer
   * event about the same entity, replaces it; if `write` rejects, it is rolled back and a failure added.
   * Returns the local item's id (`event.id` or a fresh one).
   */
  insert(event: { type: string; data: T; id?: string }, write: PromiseLike<unknown>): string;
  /** Writes that finally failed, oldest first (at most 50), until dismissed. */
  readonly failures: readonly OptimisticFailure<T>[];
  /** Removes a failure (after showing it). */
  dismissFailure(id: string): void;
}

let fallbackIds = 0;
const newId = (): string =>
  globalThis.crypto?.randomUUID?.() ??
  `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${++fallbackIds}`;

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * The events of `channel` plus optimistic items: `publish` shows an item at once, marked `pending`, keyed by
 * the id of the publish that carries it; when the hub's event with that id arrives it replaces the item in
 * place (same `key`, so React keeps the row: never shown twice, never a flicker); if the publish finally
 * fails (a refusal, the outbox's expiry) the item is rolled back and the error is in `failures`. `keyOf`
 * dedupes by entity as well. With `persistence`, publishes still in the persisted outbox after a reload
 * show pending again and reconcile when the client delivers them. Every hook reading the channel on one
 * client shares its local items.
 *
 * @example
 * ```tsx
 * const feed = useOptimisticEvents<Goal>('tenant:t1:goals', { keyOf: (e) => e.data.goalId });
 * const add = (title: string) => void feed.publish('goal.created', { goalId: crypto.randomUUID(), title }).catch(() => {});
 * return <ul>{feed.items.map((i) => <li key={i.key} aria-busy={i.pending}>{i.data.title}</li>)}</ul>;
 * ```
 */
export function useOptimisticEvents<T = JsonValue>(
  channel: string | null,
  options: UseOptimisticEventsOptions<T> = {},
): OptimisticEventsResult<T> {
  const { keyOf, persistence = null, outboxKey = DEFAULT_OUTBOX.storageKey, ...eventOptions } = options;
  const client = useHeraldClient();
  const events = useChannelEvents<T>(channel, eventOptions);
  const store = useChannelStore(channel, eventOptions.since);
  const local = useMemo(() => (channel === null ? null : getLocalItems(client, channel)), [client, channel]);
  const snapshot = useSyncExternalStore(
    local?.subscribe ?? noopSubscribe,
    local?.getSnapshot ?? emptyLocal,
    local?.getSnapshot ?? emptyLocal,
  );

  // When each live event arrived here (history has none), for highlights; a reconciled local item keeps
  // its insertion time so the row does not light up a second time.
  const receipts = useRef(new Map<string, number>());
  useEffect(() => {
    if (store === null) return;
    return store.tap((event, history) => {
      if (!history) remember(receipts.current, event.id, Date.now());
    });
  }, [store]);

  // Before the first paint, so a reload never shows a frame without the restored items.
  const [, setRestored] = useState(0);
  useIsomorphicLayoutEffect(() => {
    if (local !== null && persistence !== null && local.restore(persistence, outboxKey))
      setRestored((n) => n + 1);
  }, [local, persistence, outboxKey]);

  const merged = useMemo(() => {
    const inserted = new Map(snapshot.items.map((item) => [item.id, item.insertedAt]));
    const receivedAt = (id: string) => inserted.get(id) ?? receipts.current.get(id) ?? null;
    return mergeFeed(events.events, snapshot.items, keyOf, receivedAt);
  }, [events.events, snapshot.items, keyOf]);

  // Local items whose event is in the feed now are shown from the event: drop the local copies.
  useEffect(() => {
    if (local === null || merged.reconciled.length === 0) return;
    for (const item of merged.reconciled) remember(receipts.current, item.id, item.insertedAt, true);
    local.forget(new Set(merged.reconciled.map((item) => item.id)));
  }, [local, merged.reconciled]);

  const newestSeq = events.events.at(-1)?.seq ?? 0;
  const newest = useRef(newestSeq);
  newest.current = newestSeq;

  const publish = useCallback(
    (type: string, data: T, publishOptions?: { id?: string }): Promise<PublishAck> => {
      if (channel === null || local === null)
        return Promise.reject(new Error('useOptimisticEvents: no channel to publish to'));
      const id = publishOptions?.id ?? newId();
      local.add({
        id,
        type,
        data: data as JsonValue,
        insertedAt: Date.now(),
        afterSeq: newest.current,
        seq: null,
        restored: false,
      });
      const sent = client.publish(channel, type, data, { id });
      sent.then(
        (ack) => local.acked(id, ack),
        (error: unknown) => local.failed(id, toError(error)),
      );
      return sent;
    },
    [client, channel, local],
  );

  const insert = useCallback(
    (event: { type: string; data: T; id?: string }, write: PromiseLike<unknown>): string => {
      const id = event.id ?? newId();
      if (local === null) return id;
      local.add({
        id,
        type: event.type,
        data: event.data as JsonValue,
        insertedAt: Date.now(),
        afterSeq: newest.current,
        seq: null,
        restored: false,
      });
      Promise.resolve(write).catch((error: unknown) => local.failed(id, toError(error)));
      return id;
    },
    [local],
  );

  const dismissFailure = useCallback((id: string) => local?.dismiss(id), [local]);

  return useMemo(
    () => ({
      ...events,
      items: merged.items,
      failures: snapshot.failures as readonly LocalFailure[] as readonly OptimisticFailure<T>[],
      publish,
      insert,
      dismissFailure,
    }),
    [events, merged.items, snapshot.failures, publish, insert, dismissFailure],
  );
}

const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;
const noopSubscribe = () => () => {};
const EMPTY_LOCAL = { items: [], failures: [] } as const;
const emptyLocal = () => EMPTY_LOCAL;

/** Receipt times kept: enough for any feed's buffer; the oldest go first. */
const MAX_RECEIPTS = 5000;

function remember(receipts: Map<string, number>, id: string, at: number, replace = false): void {
  if (receipts.has(id) && !replace) return;
  receipts.set(id, at);
  if (receipts.size > MAX_RECEIPTS) {
    const oldest = receipts.keys().next();
    if (!oldest.done) receipts.delete(oldest.value);
  }
}
