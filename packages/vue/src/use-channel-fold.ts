import type { EventReducer } from '@herald/client/store';
import type { Envelope, JsonValue } from '@herald/protocol';
import type { ShallowRef } from 'vue';
import { useExternalStore } from './external-store.js';
import { type ChannelOptions, type ChannelSource, channelStoreGetter } from './use-channel-store.js';

/** Options of {@link useChannelFold}. */
export interface UseChannelFoldOptions extends ChannelOptions {
  /**
   * Names the fold: every reader folding the same channel (and start) under the same key shares one state,
   * computed by the first reducer and initial state given for it.
   * @default the reducer function itself
   */
  readonly key?: string;
}

/**
 * The state of `reducer` folded over every event of `channel` (history, then live), from `initial`, as a
 * readonly shallow ref: an app's own event vocabulary turned into the view it needs. The fold runs in the
 * channel's shared store as events arrive, so it sees every event even beyond the events buffer's limit;
 * the ref changes at most once per animation frame, and only when the reducer returned a new state.
 * Switching `channel` (a ref or getter) folds the new channel; without a channel the ref holds `initial`.
 * Define `reducer` once (module level): its identity names the fold unless `options.key` is given.
 */
export function useChannelFold<S, T = JsonValue>(
  channel: ChannelSource,
  reducer: (state: S, event: Envelope<T>) => S,
  initial: S,
  options: UseChannelFoldOptions = {},
): Readonly<ShallowRef<S>> {
  const store = channelStoreGetter(channel, options);
  const key = options.key ?? reducer;
  return useExternalStore(
    () => store()?.fold(reducer as unknown as EventReducer<S>, initial, key) ?? null,
    () => initial,
  );
}
