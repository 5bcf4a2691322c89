import type { EventReducer } from '@herald/client/store';
import type { Envelope, JsonValue } from '@herald/protocol';
import { useMemo } from 'react';
import { useSource } from '../internal/use-source.js';
import { type StartPosition, useChannelStore } from './use-channel-store.js';

/** Options of {@link useChannelFold}. */
export interface UseChannelFoldOptions {
  /**
   * Names the fold: every hook folding the same channel (and start) under the same key shares one state,
   * computed by the first reducer and initial state given for it. Pass one when the reducer is created
   * during render, or to keep separate states from one reducer (for example per configuration).
   * @default the reducer function itself
   */
  readonly key?: string;
  /**
   * Where the channel's subscription starts; see `useChannelEvents`.
   * @default { seq: 0 } (the retained history, then live events)
   */
  readonly since?: StartPosition;
  /**
   * Re-render at most once per this many ms (for this hook), always ending on the latest state; `0`
   * re-renders at most once per animation frame. The fold itself still sees every event as it arrives.
   * @default 0
   */
  readonly throttleMs?: number;
}

/**
 * The state of `reducer` folded over every event of `channel`, from `initial`: an app with its own event
 * vocabulary turns the stream into the view it needs (a progress, a counter, a latest value). The fold runs
 * in the channel's shared store as events arrive, not during render, so it sees every event even beyond
 * the events buffer's limit; the component re-renders at most once per animation frame, and only when the
 * reducer returned a new state (`Object.is`). A null channel returns `initial`.
 *
 * Keep `reducer` stable (defined outside the component): its identity names the fold unless
 * `options.key` is given, and a new function would start a new fold.
 *
 * @example
 * ```tsx
 * const countErrors = (n: number, e: Envelope) => (e.type === 'error' ? n + 1 : n);
 * function Errors({ run }: { run: string }) {
 *   const errors = useChannelFold(`run:${run}`, countErrors, 0);
 *   return <span>{errors} errors</span>;
 * }
 * ```
 */
export function useChannelFold<S, T = JsonValue>(
  channel: string | null,
  reducer: (state: S, event: Envelope<T>) => S,
  initial: S,
  options: UseChannelFoldOptions = {},
): S {
  const store = useChannelStore(channel, options.since);
  const key = options.key ?? reducer;
  // `initial` only matters when the fold is created; an existing fold is returned as it is.
  const fold = useMemo(
    () => store?.fold(reducer as unknown as EventReducer<S>, initial, key),
    [store, reducer, initial, key],
  );
  const getIdle = useMemo(() => () => initial, [initial]);
  return useSource(fold ?? null, getIdle, options.throttleMs);
}
