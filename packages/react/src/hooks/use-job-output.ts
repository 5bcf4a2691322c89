import { readJob } from '@herald/protocol';
import { useMemo } from 'react';
import type { SnapshotSource } from '../internal/throttled-source.js';
import { useSource } from '../internal/use-source.js';
import { useStateStore } from './use-channel-state.js';
import { DEFAULT_JOB_THROTTLE_MS } from './use-job.js';

/** Options of {@link useJobOutput}. */
export interface UseJobOutputOptions {
  /**
   * Re-render at most once per this many ms (for this hook), always ending on the whole text so far;
   * `0` re-renders at most once per animation frame.
   * @default 100 (at most 10 renders per second, as `useJob`)
   */
  readonly throttleMs?: number;
}

const empty = () => '';

/**
 * The named output of the job on `channel` (`outputs/<name>` of the job vocabulary: streamed LLM tokens,
 * a log), as one string that grows as appends arrive. A late joiner gets the whole text at once from the
 * snapshot. However fast appends arrive (hundreds per second), the component re-renders at most 10 times
 * per second by default (`options.throttleMs`), and only when this output changed. `''` until the output
 * exists.
 */
export function useJobOutput(
  channel: string | null,
  name: string,
  options: UseJobOutputOptions = {},
): string {
  const store = useStateStore(channel);
  const source = useMemo(
    (): SnapshotSource<string> | null =>
      store === null
        ? null
        : {
            subscribe: store.subscribe,
            getSnapshot: () => {
              const text = readJob(store.getSnapshot().state).outputs[name];
              return typeof text === 'string' ? text : '';
            },
          },
    [store, name],
  );
  return useSource(source, empty, options.throttleMs ?? DEFAULT_JOB_THROTTLE_MS);
}
