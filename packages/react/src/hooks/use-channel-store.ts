import { type ChannelStore, FROM_HISTORY, getChannelStore, type StartPosition } from '@herald/client/store';
import { useMemo } from 'react';
import { useHeraldClient } from '../context.js';

export type { StartPosition };

/** The shared store for `channel` (null disables), created once per client, channel and start. */
export function useChannelStore(
  channel: string | null,
  since: StartPosition = FROM_HISTORY,
): ChannelStore | null {
  const client = useHeraldClient();
  // Primitive deps: callers may pass a fresh position object every render.
  const epoch = since === 'now' ? undefined : since.epoch;
  const seq = since === 'now' ? -1 : since.seq;
  return useMemo(() => {
    if (channel === null) return null;
    const start = seq < 0 ? undefined : epoch === undefined ? { seq } : { epoch, seq };
    return getChannelStore(client, channel, start);
  }, [client, channel, epoch, seq]);
}
