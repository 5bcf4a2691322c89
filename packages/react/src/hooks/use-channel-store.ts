import type { SincePosition } from '@herald/protocol';
import { useMemo } from 'react';
import { useHeraldClient } from '../context.js';
import type { ChannelStore } from '../internal/channel-store.js';
import { FROM_HISTORY, getChannelStore } from '../internal/registry.js';

/** Where a channel subscription starts: a position, or `'now'` for live events only. */
export type StartPosition = SincePosition | 'now';

/** The shared store for `channel` (null disables), created once per client, channel and start. */
export function useChannelStore(
  channel: string | null,
  since: StartPosition = FROM_HISTORY,
): ChannelStore | null {
  const client = useHeraldClient();
  const epoch = since === 'now' ? undefined : since.epoch;
  const seq = since === 'now' ? -1 : since.seq;
  return useMemo(() => {
    if (channel === null) return null;
    const start = seq < 0 ? undefined : epoch === undefined ? { seq } : { epoch, seq };
    return getChannelStore(client, channel, start);
  }, [client, channel, epoch, seq]);
}
