import type { CollectionView, HeraldError, JsonValue } from '@herald/protocol';
import { readCollection } from '@herald/protocol';
import { useEffect, useMemo, useState } from 'react';
import { type UseChannelStateOptions, useStateSnapshot, useStateStore } from './use-channel-state.js';

/** What {@link useCollection} returns. */
export interface CollectionResult<T = JsonValue> extends CollectionView<T> {
  /** True until the hook holds the collection's state at the channel's position. */
  readonly loading: boolean;
  /** Why the subscription (or fetching the state) failed, if it did. */
  readonly error: HeraldError | null;
}

/**
 * The keyed collection on `channel` (PROTOCOL.md, "Collections"; written with `collectionOps`): one entry
 * per key, in the order keys were first set, for a list of runs or jobs that gets a snapshot and then
 * per-key updates. Entries whose TTL passed disappear on time, even before the hub's removal event: the
 * hook re-renders when the next expiry passes. `options.throttleMs` caps how often updates re-render it. Read by `readCollection` of `@herald/protocol`.
 */
export function useCollection<T = JsonValue>(
  channel: string | null,
  options: UseChannelStateOptions = {},
): CollectionResult<T> {
  const { state, status, error } = useStateSnapshot(useStateStore(channel), options.throttleMs);
  // Bumped when the earliest entry expires, so the view is read again at the new time.
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is the clock that re-reads the view
  const view = useMemo(() => readCollection<T>(state, Date.now()), [state, tick]);
  const next = view.nextExpiryAt;
  useEffect(() => {
    if (next === null) return;
    const timer = setTimeout(() => setTick((n) => n + 1), Math.max(0, next - Date.now()) + 1);
    return () => clearTimeout(timer);
  }, [next]);
  return useMemo(() => ({ ...view, loading: status === 'loading', error }), [view, status, error]);
}
