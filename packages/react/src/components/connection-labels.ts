import type { ConnectionState } from '@herald/client';
import type { ConnectionStatusView } from '../hooks/use-connection-status.js';

/** Text shown for each state; override any of them through the `labels` prop. */
export const DEFAULT_CONNECTION_LABELS: Readonly<Record<ConnectionState, string>> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  failed: 'Connection failed',
  closed: 'Disconnected',
};

/** A shape per state, so the state reads without colour (decorative; the text label carries meaning). */
export const CONNECTION_ICONS: Readonly<Record<ConnectionState, string>> = {
  idle: '○',
  connecting: '◌',
  connected: '●',
  reconnecting: '↻',
  offline: '⊘',
  failed: '✕',
  closed: '○',
};

/** The visible label: the countdown replaces the generic reconnecting text when a retry is scheduled. */
export function connectionLabel(
  status: ConnectionStatusView,
  labels: Readonly<Record<ConnectionState, string>>,
  compact: boolean,
): string {
  if (status.state === 'connected' && compact) return 'Live';
  if ((status.state === 'reconnecting' || status.state === 'offline') && status.countdown !== null) {
    if (status.countdown > 0) {
      return status.state === 'offline'
        ? `Offline, retry in ${status.countdown}s`
        : `Reconnecting in ${status.countdown}s`;
    }
  }
  return labels[status.state];
}

/** The polite announcement for a state: no countdown, so screen readers hear changes, not ticks. */
export function connectionAnnouncement(
  state: ConnectionState,
  labels: Readonly<Record<ConnectionState, string>>,
  polling: boolean,
): string {
  return `Connection status: ${labels[state].replace(/…$/, '')}${polling ? ' (polling)' : ''}`;
}

/** States in which a click means "reconnect now". */
export function canReconnect(state: ConnectionState): boolean {
  // A closed client cannot reconnect, and an idle one connects by itself on its first subscription.
  return state === 'reconnecting' || state === 'offline' || state === 'failed';
}
