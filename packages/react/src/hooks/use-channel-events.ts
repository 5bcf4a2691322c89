import type { GapInfo } from '@herald/client';
import { type ChannelStatus, DEFAULT_EVENT_LIMIT, IDLE_SNAPSHOT } from '@herald/client/store';
import type { Envelope, HeraldError, JsonValue } from '@herald/protocol';
import { useCallback, useMemo, useState } from 'react';
import { useSource } from '../internal/use-source.js';
import { type StartPosition, useChannelStore } from './use-channel-store.js';

/** Options of {@link useChannelEvents}. */
export interface UseChannelEventsOptions {
  /**
   * Most events kept; older ones are dropped first.
   * @default 1000
   */
  readonly limit?: number;
  /**
   * Where to start. The default replays the history the hub still retains, then follows live events;
   * `'now'` skips history. A position `{ epoch?, seq }` resumes after that event. The client keeps one
   * subscription per channel, so the first hook to subscribe a channel decides where it starts.
   * @default { seq: 0 }
   */
  readonly since?: StartPosition;
  /**
   * Re-render at most once per this many ms (for this hook), always ending on the latest events; `0`
   * re-renders at most once per animation frame. Every event is still kept meanwhile, only drawn later.
   * @default 0
   */
  readonly throttleMs?: number;
}

/** What {@link useChannelEvents} returns. */
export interface ChannelEventsResult<T = JsonValue> {
  /** Events in seq order, oldest first, at most `limit`. */
  readonly events: readonly Envelope<T>[];
  /** `loading` until the hub confirms the subscription, then `live`; `error` if it was refused. */
  readonly status: ChannelStatus;
  /** Why the subscription failed, when `status` is `error`. */
  readonly error: HeraldError | null;
  /** The latest unrecoverable hole in the history, if any: refetch what you need. */
  readonly gap: GapInfo | null;
  /** Hides the events received so far (for this hook only) and forgets the gap. */
  clear(): void;
}

const getIdle = () => IDLE_SNAPSHOT;

/**
 * Events of `channel`, re-rendering at most once per animation frame however fast they arrive (or once per
 * `throttleMs`). Every
 * component reading the same channel shares one client subscription. A null channel subscribes to nothing.
 */
export function useChannelEvents<T = JsonValue>(
  channel: string | null,
  options: UseChannelEventsOptions = {},
): ChannelEventsResult<T> {
  const limit = options.limit ?? DEFAULT_EVENT_LIMIT;
  const store = useChannelStore(channel, options.since);
  store?.ensureCapacity(limit);
  const snapshot = useSource(store, getIdle, options.throttleMs);
  // Clearing is per hook: remember the newest event at the time and show only what came after it.
  const [clearedAt, setClearedAt] = useState<{ last: Envelope | undefined; gap: GapInfo | null } | null>(
    null,
  );

  const events = useMemo(() => {
    let visible = snapshot.events;
    if (clearedAt !== null && clearedAt.last !== undefined) {
      const index = visible.lastIndexOf(clearedAt.last);
      if (index >= 0) visible = visible.slice(index + 1);
    }
    return visible.length > limit ? visible.slice(-limit) : visible;
  }, [snapshot.events, clearedAt, limit]);

  const clear = useCallback(() => {
    setClearedAt({ last: snapshot.events.at(-1), gap: snapshot.gap });
  }, [snapshot.events, snapshot.gap]);

  const gap = clearedAt !== null && clearedAt.gap === snapshot.gap ? null : snapshot.gap;
  return useMemo(
    () => ({
      events: events as unknown as readonly Envelope<T>[],
      status: snapshot.status,
      error: snapshot.error,
      gap,
      clear,
    }),
    [events, snapshot.status, snapshot.error, gap, clear],
  );
}
