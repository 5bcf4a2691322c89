import { useMemo } from 'react';
import { initialRunProgress, reduceRunProgress } from '../run-progress/reducer.js';
import type { RunProgressState } from '../run-progress/types.js';
import { useChannelFold } from './use-channel-fold.js';

/** Options of {@link useRunProgress}. */
export interface UseRunProgressOptions {
  /**
   * Node names to show as pending before the run announces its own list with `run.started`.
   * @default []
   */
  readonly steps?: readonly string[];
}

/**
 * Progress of the run or job streamed on `channel`: node states, durations, scores, issues, artifacts,
 * percent, ETA and overall status, folded from the channel's history and live events by
 * {@link reduceRunProgress} (through {@link useChannelFold}). Re-renders at most once per animation frame.
 */
export function useRunProgress(
  channel: string | null,
  options: UseRunProgressOptions = {},
): RunProgressState {
  // A string key keeps the fold (and the idle state) stable when callers pass a fresh array each render.
  const stepsKey = (options.steps ?? []).join('\u0000');
  // Without a channel, this shows the configured steps as pending.
  const initial = useMemo(
    () => initialRunProgress(stepsKey === '' ? [] : stepsKey.split('\u0000')),
    [stepsKey],
  );
  return useChannelFold(channel, reduceRunProgress, initial, { key: `run-progress\u0000${stepsKey}` });
}
