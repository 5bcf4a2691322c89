import type { ConnectionState } from '@herald/client';
import type { ReactNode } from 'react';
import { useHeraldClient } from '../context.js';
import { useConnectionStatus } from '../hooks/use-connection-status.js';
import {
  CONNECTION_ICONS,
  canReconnect,
  connectionAnnouncement,
  connectionLabel,
  DEFAULT_CONNECTION_LABELS,
} from './connection-labels.js';
import { cx } from './cx.js';

/** Props of {@link ConnectionStatus}. */
export interface ConnectionStatusProps {
  /**
   * A small "Live" pill (dot and short label) instead of the full badge.
   * @default false
   */
  readonly compact?: boolean;
  /**
   * Show the last error message next to the badge (never in compact mode).
   * @default true
   */
  readonly showError?: boolean;
  /** Replaces the text of some states. @default DEFAULT_CONNECTION_LABELS */
  readonly labels?: Partial<Record<ConnectionState, string>>;
  /** Extra class names for the root element. */
  readonly className?: string;
}

/**
 * A connection badge: text label, a shape per state and an animated dot, a reconnect countdown
 * ("Reconnecting in 3s"), a "Polling" tag on the fallback transport, and a polite live region announcing
 * state changes. While disconnected the badge is a button that reconnects immediately.
 */
export function ConnectionStatus({
  compact = false,
  showError = true,
  labels,
  className,
}: ConnectionStatusProps): ReactNode {
  const client = useHeraldClient();
  const status = useConnectionStatus();
  const allLabels =
    labels === undefined ? DEFAULT_CONNECTION_LABELS : { ...DEFAULT_CONNECTION_LABELS, ...labels };
  const label = connectionLabel(status, allLabels, compact);
  const polling = status.transport === 'polling' && status.state === 'connected';
  const reconnectable = canReconnect(status.state);
  const content = (
    <>
      <span className="herald-connection__dot" aria-hidden="true" />
      <span className="herald-connection__icon" aria-hidden="true">
        {CONNECTION_ICONS[status.state]}
      </span>
      <span className="herald-connection__label">{label}</span>
    </>
  );

  return (
    <div
      className={cx(
        'herald-connection',
        `herald-connection--${status.state}`,
        compact && 'herald-connection--compact',
        className,
      )}
      data-state={status.state}
    >
      {reconnectable ? (
        <button
          type="button"
          className="herald-connection__badge herald-connection__badge--action"
          onClick={() => client.reconnect()}
          title="Reconnect now"
          aria-label={`${label}. Reconnect now`}
        >
          {content}
        </button>
      ) : (
        <span className="herald-connection__badge">{content}</span>
      )}
      {polling ? (
        <span
          className="herald-connection__polling"
          title="Live updates arrive by polling while WebSocket is unavailable"
        >
          Polling
        </span>
      ) : null}
      {showError && !compact && status.lastError !== null && status.state !== 'connected' ? (
        <span className="herald-connection__error">{status.lastError.message}</span>
      ) : null}
      {/* Announce the state, not each countdown tick. */}
      <span className="herald-visually-hidden" role="status" aria-live="polite">
        {connectionAnnouncement(status.state, allLabels, polling)}
      </span>
    </div>
  );
}
