import { notifyBatcher } from '@herald/client/store';
import type { Envelope, JsonValue } from '@herald/protocol';
import { useCallback, useEffect, useRef } from 'react';
import { useLatest } from '../internal/use-latest.js';
import { type EventTypeFilter, useEvent } from './use-event.js';

/** A query key as TanStack Query understands it. */
export type QueryKeyLike = readonly unknown[];

/**
 * The one method of a TanStack `QueryClient` this helper needs, accepted structurally so the package does
 * not depend on `@tanstack/react-query`.
 */
export interface QueryInvalidator {
  invalidateQueries(filters: { queryKey: QueryKeyLike }): unknown;
}

/** Options of {@link useInvalidateOnEvent}. */
export interface InvalidateOnEventOptions<T = JsonValue> {
  /**
   * Event types that trigger invalidation.
   * @default '*' (every event)
   */
  readonly types?: EventTypeFilter;
  /** The query keys to invalidate: a fixed list, or computed from the event. */
  readonly queryKeys: readonly QueryKeyLike[] | ((event: Envelope<T>) => readonly QueryKeyLike[]);
}

/**
 * Invalidates TanStack Query queries when matching events arrive on `channel`. Keys from a burst of
 * events are deduplicated and invalidated once per animation frame, so a fast stream does not cancel
 * and restart the same refetch over and over.
 */
export function useInvalidateOnEvent<T = JsonValue>(
  queryClient: QueryInvalidator,
  channel: string | null,
  options: InvalidateOnEventOptions<T>,
): void {
  const latest = useLatest({ queryClient, queryKeys: options.queryKeys });
  const pending = useRef(new Map<string, QueryKeyLike>());
  const mounted = useRef(true);

  const flush = useCallback(() => {
    const keys = [...pending.current.values()];
    pending.current.clear();
    if (!mounted.current) return;
    for (const queryKey of keys) {
      const result = latest.current.queryClient.invalidateQueries({ queryKey });
      // A refetch failure belongs to the query's own error state, not to an unhandled rejection here.
      if (result instanceof Promise) result.catch(() => {});
    }
  }, [latest]);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEvent<T>(channel, options.types ?? '*', (event) => {
    const { queryKeys } = latest.current;
    const keys = typeof queryKeys === 'function' ? queryKeys(event) : queryKeys;
    for (const key of keys) pending.current.set(JSON.stringify(key), key);
    if (keys.length > 0) notifyBatcher.schedule(flush);
  });
}
