import type { HeraldClient } from '@herald/client';
import {
  type ChannelStore,
  FROM_HISTORY,
  getChannelStore,
  type StartPosition,
  toSince,
} from '@herald/client/store';
import { type MaybeRefOrGetter, toValue } from 'vue';
import { useHeraldClient } from './context.js';

/** A channel name, a ref of one, or a getter; null (or undefined) subscribes to nothing. */
export type ChannelSource = MaybeRefOrGetter<string | null | undefined>;

/** Options shared by the channel composables. */
export interface ChannelOptions {
  /**
   * Where to start. The default replays the history the hub still retains, then follows live events;
   * `'now'` skips history. A position `{ epoch?, seq }` resumes after that event. The client keeps one
   * subscription per channel, so the first reader to subscribe a channel decides where it starts.
   * @default { seq: 0 }
   */
  readonly since?: StartPosition;
  /**
   * The client to use instead of the provided one (outside components, for example in an `effectScope`).
   * @default the provided client
   */
  readonly client?: HeraldClient;
}

/** A getter of the shared store for the current value of `channel` (read inside a watcher, it tracks it). */
export function channelStoreGetter(
  channel: ChannelSource,
  options: ChannelOptions,
): () => ChannelStore | null {
  const client = useHeraldClient(options.client);
  const since = toSince(options.since ?? FROM_HISTORY);
  return () => {
    const name = toValue(channel);
    return name === null || name === undefined ? null : getChannelStore(client, name, since);
  };
}
