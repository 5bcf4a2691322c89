import { readJob } from '@herald/protocol';
import { useCallback, useSyncExternalStore } from 'react';
import { useStateStore } from './use-channel-state.js';

const noopSubscribe = () => () => {};
const empty = () => '';

/**
 * The named output of the job on `channel` (`outputs/<name>` of the job vocabulary: streamed LLM tokens,
 * a log), as one string that grows as appends arrive. A late joiner gets the whole text at once from the
 * snapshot. However fast appends arrive (hundreds per second), the component re-renders at most once per
 * animation frame, and only when this output changed. `''` until the output exists.
 */
export function useJobOutput(channel: string | null, name: string): string {
  const store = useStateStore(channel);
  const read = useCallback(
    () => (store === null ? '' : (readJob(store.getSnapshot().state).outputs[name] ?? '')),
    [store, name],
  );
  const text = useSyncExternalStore(
    store?.subscribe ?? noopSubscribe,
    store ? read : empty,
    store ? read : empty,
  );
  return typeof text === 'string' ? text : '';
}
