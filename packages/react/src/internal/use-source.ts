import { useMemo, useSyncExternalStore } from 'react';
import { type SnapshotSource, throttleSource } from './throttled-source.js';

const noopSubscribe = () => () => {};

/**
 * The snapshot of `source` (`idle()` without one), re-rendering when it changes, at most once per
 * `throttleMs` when that is above 0 (always ending on the latest snapshot). The throttle is per hook:
 * each component reading a source decides its own pace.
 */
export function useSource<T>(source: SnapshotSource<T> | null, idle: () => T, throttleMs = 0): T {
  const view = useMemo(
    () => (source !== null && throttleMs > 0 ? throttleSource(source, throttleMs) : source),
    [source, throttleMs],
  );
  return useSyncExternalStore(
    view?.subscribe ?? noopSubscribe,
    view?.getSnapshot ?? idle,
    view?.getSnapshot ?? idle,
  );
}
