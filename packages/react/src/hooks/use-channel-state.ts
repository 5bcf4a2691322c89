import {
  type ChannelStateSnapshot,
  type ChannelStateStore,
  getChannelStateStore,
  IDLE_STATE,
} from '@herald/client/store';
import type { JsonValue } from '@herald/protocol';
import { useMemo } from 'react';
import { useHeraldClient } from '../context.js';
import { useSource } from '../internal/use-source.js';

/** What {@link useChannelState} returns: the channel's state document typed as `T`, and where it stands. */
export interface ChannelStateResult<T = JsonValue> extends Omit<ChannelStateSnapshot, 'state'> {
  /** The state document as of `seq` (`{}` until the first snapshot arrives). */
  readonly state: T;
}

/** Options of {@link useChannelState} (and of the hooks that read a channel's state). */
export interface UseChannelStateOptions {
  /**
   * Re-render at most once per this many ms (for this hook), always ending on the latest state; `0`
   * re-renders at most once per animation frame. Every operation is still applied as it arrives.
   * @default 0
   */
  readonly throttleMs?: number;
}

const getIdle = () => IDLE_STATE;

/** The shared state store of `channel` (null: none), created once per client and channel. */
export function useStateStore(channel: string | null): ChannelStateStore | null {
  const client = useHeraldClient();
  return useMemo(() => (channel === null ? null : getChannelStateStore(client, channel)), [client, channel]);
}

/**
 * The current snapshot of `store` (the idle snapshot without one), re-rendering on each flush that changed
 * it, or at most once per `throttleMs` when that is above 0.
 */
export function useStateSnapshot(store: ChannelStateStore | null, throttleMs = 0): ChannelStateSnapshot {
  return useSource(store, getIdle, throttleMs);
}

/**
 * The state document of `channel`, kept by the hub (PROTOCOL.md, "Channel state"): the hook gets a
 * snapshot when it subscribes, then applies each event's state operations, so a reload or a late joiner
 * shows the whole state at once, however long the channel's history. Re-renders at most once per animation
 * frame (or once per `options.throttleMs`); every component reading the same channel shares one subscription. A null channel subscribes to
 * nothing and returns the empty state.
 *
 * @example
 * ```tsx
 * const { state, status } = useChannelState<{ count?: number }>('counter:1');
 * return <span>{status === 'live' ? state.count ?? 0 : '…'}</span>;
 * ```
 */
export function useChannelState<T = JsonValue>(
  channel: string | null,
  options: UseChannelStateOptions = {},
): ChannelStateResult<T> {
  return useStateSnapshot(useStateStore(channel), options.throttleMs) as unknown as ChannelStateResult<T>;
}
