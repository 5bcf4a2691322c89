import type { ConnectionState } from '@herald/client';
import { type ChannelStatus, IDLE_SNAPSHOT, IDLE_STATE } from '@herald/client/store';
import { useEffect, useRef, useState } from 'react';
import { useSource } from '../internal/use-source.js';
import { useStateStore } from './use-channel-state.js';
import { type StartPosition, useChannelStore } from './use-channel-store.js';
import { useConnectionStatus } from './use-connection-status.js';

/**
 * Whether a live widget is up to date: `live` (connected, its channel subscribed and current), `stale`
 * (connecting, reconnecting, or the channel still loading: what it shows may be behind) or `offline`
 * (no connection, or the channel was refused).
 */
export type LiveState = 'live' | 'stale' | 'offline';

/** Which of a channel's shared stores a live badge reads: its events, or its state document. */
export type LiveSource = 'events' | 'state';

/** Options of {@link useLiveStatus}. */
export interface UseLiveStatusOptions {
  /**
   * Read the channel's events (`useChannelEvents`' store) or its state (`useChannelState`, `useJob`,
   * `useCollection`'s store): pick the one the widget already reads, so the badge adds no subscription.
   * @default 'events'
   */
  readonly source?: LiveSource;
  /**
   * With `source: 'events'`, the start the widget's own `useChannelEvents` uses, so both read one store.
   * @default { seq: 0 } (as `useChannelEvents`)
   */
  readonly since?: StartPosition;
  /**
   * How long `pulse` stays true after an update, in ms.
   * @default 1200
   */
  readonly pulseMs?: number;
}

/** What {@link useLiveStatus} returns. */
export interface LiveStatus {
  readonly state: LiveState;
  /** True for `pulseMs` after each live update of the channel (not for history or the first snapshot). */
  readonly pulse: boolean;
  /** Epoch ms of the last live update seen while mounted, or null. */
  readonly updatedAt: number | null;
}

/** The live state for a connection state and (when there is one) a channel status. */
export function liveState(connection: ConnectionState, channel: ChannelStatus | null): LiveState {
  if (connection === 'connecting' || connection === 'reconnecting') return 'stale';
  if (connection !== 'connected') return 'offline';
  if (channel === 'error') return 'offline';
  return channel === 'loading' ? 'stale' : 'live';
}

const idleEvents = () => IDLE_SNAPSHOT;
const idleState = () => IDLE_STATE;

/**
 * Whether the widget fed by `channel` is live, stale or offline, and a `pulse` after each live update.
 * Without a channel it follows the connection alone. Reads the channel's shared store (see `source`).
 */
export function useLiveStatus(channel: string | null, options: UseLiveStatusOptions = {}): LiveStatus {
  const source = options.source ?? 'events';
  const pulseMs = options.pulseMs ?? 1200;
  const connection = useConnectionStatus();
  const eventStore = useChannelStore(source === 'events' ? channel : null, options.since);
  const stateStore = useStateStore(source === 'state' ? channel : null);
  const events = useSource(eventStore, idleEvents);
  const state = useSource(stateStore, idleState);
  const status = channel === null ? null : source === 'events' ? events.status : state.status;
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);

  // Events: every event that is not replayed history is an update.
  useEffect(() => {
    if (eventStore === null) return;
    return eventStore.tap((_event, history) => {
      if (!history) setUpdatedAt(Date.now());
    });
  }, [eventStore]);

  // State: a seq that moves on after the first snapshot (which is the state as it was, not an update).
  const lastSeq = useRef<{ store: unknown; seq: number } | null>(null);
  useEffect(() => {
    if (stateStore === null || state.status !== 'live') return;
    const last = lastSeq.current;
    if (last !== null && last.store === stateStore && state.seq > last.seq) setUpdatedAt(Date.now());
    lastSeq.current = { store: stateStore, seq: state.seq };
  }, [stateStore, state.status, state.seq]);

  const [, setTick] = useState(0);
  const pulse = updatedAt !== null && Date.now() - updatedAt < pulseMs;
  useEffect(() => {
    if (!pulse || updatedAt === null) return;
    const timer = setTimeout(() => setTick((n) => n + 1), Math.max(0, updatedAt + pulseMs - Date.now()) + 1);
    return () => clearTimeout(timer);
  }, [pulse, updatedAt, pulseMs]);

  return { state: liveState(connection.state, status), pulse, updatedAt };
}
