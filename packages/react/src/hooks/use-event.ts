import type { Envelope, JsonValue } from '@herald/protocol';
import { useEffect } from 'react';
import { useLatest } from '../internal/use-latest.js';
import { useChannelStore } from './use-channel-store.js';

/** Options of {@link useEvent}. */
export interface UseEventOptions {
  /**
   * Also call the handler for events replayed from the channel's history when the shared subscription
   * starts. Off by default so toasts and invalidations fire only for new events.
   * @default false
   */
  readonly history?: boolean;
}

/** Event types to listen to: one type, several, or `'*'` for all. */
export type EventTypeFilter = string | readonly string[];

/**
 * Calls `handler` synchronously for each new event of `channel` whose type matches `type` (`'*'` matches
 * all). The handler is kept in a ref: passing a new function each render does not resubscribe. A null
 * channel listens to nothing.
 */
export function useEvent<T = JsonValue>(
  channel: string | null,
  type: EventTypeFilter,
  handler: (event: Envelope<T>) => void,
  options: UseEventOptions = {},
): void {
  const store = useChannelStore(channel);
  const latest = useLatest(handler);
  const includeHistory = options.history ?? false;
  // A string key keeps the effect stable when callers pass a fresh array literal each render.
  const typesKey = typeof type === 'string' ? type : type.join('\u0000');

  useEffect(() => {
    if (store === null) return;
    const types = typesKey === '*' ? null : new Set(typesKey.split('\u0000'));
    return store.tap((event, history) => {
      if (history && !includeHistory) return;
      if (types !== null && !types.has(event.type)) return;
      latest.current(event as unknown as Envelope<T>);
    });
  }, [store, typesKey, includeHistory, latest]);
}
