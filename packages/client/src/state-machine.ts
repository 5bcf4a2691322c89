import type { ConnectionState } from './types.js';

/**
 * Every allowed state change. `closed` is terminal; `failed` and `idle` wait for `connect()`/`reconnect()`
 * (or, for a lazy client, a new subscribe/publish).
 */
export const TRANSITIONS: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  idle: ['connecting', 'offline', 'closed'],
  connecting: ['connected', 'reconnecting', 'offline', 'failed', 'idle', 'closed'],
  connected: ['reconnecting', 'connecting', 'offline', 'failed', 'idle', 'closed'],
  reconnecting: ['connecting', 'offline', 'failed', 'closed'],
  offline: ['connecting', 'reconnecting', 'closed'],
  failed: ['connecting', 'closed'],
  closed: [],
};

/** Whether moving from `from` to `to` is allowed. */
export function canTransition(from: ConnectionState, to: ConnectionState): boolean {
  return TRANSITIONS[from].includes(to);
}
