import { useMemo, useSyncExternalStore } from 'react';
import { initialRunProgress, reduceRunProgress } from '../run-progress/reducer.js';
import type { RunProgressState } from '../run-progress/types.js';
import { useChannelStore } from './use-channel-store.js';

/** Options of {@link useRunProgress}. */
export interface UseRunProgressOptions {
  /**
   * Node names to show as pending before the run announces its own list with `run.started`.
   * @default []
   */
  readonly steps?: readonly string[];
}

const noopSubscribe = () => () => {};

/**
 * Progress of the run or job streamed on `channel`: node states, durations, scores, issues, artifacts,
 * percent, ETA and overall status, folded from the channel's history and live events by
 * {@link reduceRunProgress}. Re-renders at most once per animation frame.
 */
export function useRunProgress(
  channel: string | null,
  options: UseRunProgressOptions = {},
): RunProgressState {
  const store = useChannelStore(channel);
  const stepsKey = (options.steps ?? []).join('\u0000');
  const derived = useMemo(() => {
    const steps = stepsKey === '' ? [] : stepsKey.split('\u0000');
    return store?.derive(`run-progress\u0000${stepsKey}`, reduceRunProgress, () => initialRunProgress(steps));
  }, [store, stepsKey]);
  // Without a channel, show the configured steps as pending.
  const getIdle = useMemo(() => {
    const idle = initialRunProgress(stepsKey === '' ? [] : stepsKey.split('\u0000'));
    return () => idle;
  }, [stepsKey]);
  return useSyncExternalStore(
    derived?.subscribe ?? noopSubscribe,
    derived?.getSnapshot ?? getIdle,
    derived?.getSnapshot ?? getIdle,
  );
}
