import type { ReactNode } from 'react';
import type { StartPosition } from '../hooks/use-channel-store.js';
import { type LiveSource, type LiveState, useLiveStatus } from '../hooks/use-live-status.js';
import { cx } from './cx.js';

/** Props of {@link LiveBadge}. */
export interface LiveBadgeProps {
  /** The channel feeding the widget; without one the badge follows the connection alone. @default null */
  readonly channel?: string | null;
  /** Which of the channel's stores to read (the one the widget reads). @default 'events' */
  readonly source?: LiveSource;
  /** With `source: 'events'`, the `since` of the widget's `useChannelEvents`. @default { seq: 0 } */
  readonly since?: StartPosition;
  /**
   * What is live, read by screen readers before the state ("Activity feed: Live"); also the tooltip.
   * @default none
   */
  readonly name?: string;
  /** The text per state. @default { live: 'Live', stale: 'Stale', offline: 'Offline' } */
  readonly labels?: Partial<Readonly<Record<LiveState, string>>>;
  /** How long the badge pulses after an update, in ms. @default 1200 */
  readonly pulseMs?: number;
  /** Extra class names. */
  readonly className?: string;
}

/** The default text of each {@link LiveState}. */
export const DEFAULT_LIVE_LABELS: Readonly<Record<LiveState, string>> = {
  live: 'Live',
  stale: 'Stale',
  offline: 'Offline',
};

const ICONS: Readonly<Record<LiveState, string>> = { live: '●', stale: '◐', offline: '○' };

/**
 * A small badge for a widget fed by a live channel: "Live" while connected and up to date, "Stale" while
 * connecting or catching up, "Offline" otherwise, each with its own shape as well as colour. It pulses
 * (`data-pulse`) for a moment after each live update; under `prefers-reduced-motion: reduce` the pulse is
 * a static ring instead. A polite status region: screen readers hear the state when it changes, not each
 * pulse. `data-state` carries the state for styles and tests.
 */
export function LiveBadge({
  channel = null,
  source = 'events',
  since,
  name,
  labels,
  pulseMs,
  className,
}: LiveBadgeProps): ReactNode {
  const live = useLiveStatus(channel, {
    source,
    ...(since === undefined ? {} : { since }),
    ...(pulseMs === undefined ? {} : { pulseMs }),
  });
  const text = labels?.[live.state] ?? DEFAULT_LIVE_LABELS[live.state];
  return (
    <span
      className={cx('herald-live-badge', `herald-live-badge--${live.state}`, className)}
      role="status"
      data-state={live.state}
      data-pulse={live.pulse ? '' : undefined}
      title={name}
    >
      <span className="herald-live-badge__icon" aria-hidden="true">
        {ICONS[live.state]}
      </span>
      {name === undefined ? null : <span className="herald-visually-hidden">{name}: </span>}
      <span className="herald-live-badge__text">{text}</span>
    </span>
  );
}
