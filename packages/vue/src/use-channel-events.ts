import type { GapInfo } from '@herald/client';
import {
  type ChannelSnapshot,
  type ChannelStatus,
  DEFAULT_EVENT_LIMIT,
  IDLE_SNAPSHOT,
} from '@herald/client/store';
import type { Envelope, HeraldError, JsonValue } from '@herald/protocol';
import { type ComputedRef, computed, shallowRef } from 'vue';
import { useExternalStore } from './external-store.js';
import { type ChannelOptions, type ChannelSource, channelStoreGetter } from './use-channel-store.js';

/** Options of {@link useChannelEvents}. */
export interface UseChannelEventsOptions extends ChannelOptions {
  /**
   * Most events kept; older ones are dropped first.
   * @default 1000
   */
  readonly limit?: number;
}

/** What {@link useChannelEvents} returns: computed refs over the channel's shared store. */
export interface ChannelEventsRefs<T = JsonValue> {
  /** Events in seq order, oldest first, at most `limit`. */
  readonly events: ComputedRef<readonly Envelope<T>[]>;
  /** `loading` until the hub confirms the subscription, then `live`; `error` if it was refused. */
  readonly status: ComputedRef<ChannelStatus>;
  /** Why the subscription failed, when `status` is `error`. */
  readonly error: ComputedRef<HeraldError | null>;
  /** The latest unrecoverable hole in the history, if any: refetch what you need. */
  readonly gap: ComputedRef<GapInfo | null>;
  /** Hides the events received so far (for this caller only) and forgets the gap. */
  clear(): void;
}

/**
 * Events of `channel` (a name, a ref or a getter: changing it resubscribes), updated at most once per
 * animation frame however fast they arrive. Every reader of the same channel shares one client
 * subscription, released when the calling component unmounts or its `effectScope` stops.
 */
export function useChannelEvents<T = JsonValue>(
  channel: ChannelSource,
  options: UseChannelEventsOptions = {},
): ChannelEventsRefs<T> {
  const limit = options.limit ?? DEFAULT_EVENT_LIMIT;
  const store = channelStoreGetter(channel, options);
  const snapshot = useExternalStore<ChannelSnapshot>(
    () => {
      const current = store();
      current?.ensureCapacity(limit);
      return current;
    },
    () => IDLE_SNAPSHOT,
  );
  // Clearing is per caller: remember the newest event at the time and show only what came after it.
  const clearedAt = shallowRef<{ last: Envelope | undefined; gap: GapInfo | null } | null>(null);

  const events = computed(() => {
    let visible = snapshot.value.events;
    const last = clearedAt.value?.last;
    if (last !== undefined) {
      const index = visible.lastIndexOf(last);
      if (index >= 0) visible = visible.slice(index + 1);
    }
    return (visible.length > limit ? visible.slice(-limit) : visible) as unknown as readonly Envelope<T>[];
  });
  return {
    events,
    status: computed(() => snapshot.value.status),
    error: computed(() => snapshot.value.error),
    gap: computed(() => (clearedAt.value?.gap === snapshot.value.gap ? null : snapshot.value.gap)),
    clear() {
      clearedAt.value = { last: snapshot.value.events.at(-1), gap: snapshot.value.gap };
    },
  };
}
