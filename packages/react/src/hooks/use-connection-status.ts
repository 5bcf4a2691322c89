import type { ConnectionStatus } from '@herald/client';
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { useHeraldClient } from '../context.js';
import { useCountdown } from './use-countdown.js';

/** The client's connection status plus values a UI needs. */
export interface ConnectionStatusView extends ConnectionStatus {
  /** Seconds until the next reconnect attempt, ticking each second; null when none is scheduled. */
  readonly countdown: number | null;
  /** True when `state` is `connected`. */
  readonly isConnected: boolean;
}

/**
 * The connection status of the provided client (state, attempt, lastError, lastConnectedAt, transport)
 * and a reconnect `countdown` in seconds. Re-renders only when the client reports a new status or the
 * countdown ticks.
 */
export function useConnectionStatus(): ConnectionStatusView {
  const client = useHeraldClient();
  const subscribe = useCallback((onChange: () => void) => client.on('status', onChange), [client]);
  const getStatus = useCallback(() => client.getStatus(), [client]);
  const status = useSyncExternalStore(subscribe, getStatus, getStatus);
  const waiting = status.state !== 'connected' && status.nextRetryAt !== null;
  const countdown = useCountdown(waiting ? status.nextRetryAt : null);
  return useMemo(
    () => ({ ...status, countdown, isConnected: status.state === 'connected' }),
    [status, countdown],
  );
}
