import type { Envelope } from '@herald/protocol';
import type { ReactNode } from 'react';
import { cx } from './cx.js';
import {
  eventDuration,
  eventNode,
  eventPhase,
  formatDuration,
  formatTime,
  isFailureEvent,
} from './event-format.js';

/** Props of one {@link EventLogRow}. */
export interface EventLogRowProps {
  readonly event: Envelope;
  readonly expanded: boolean;
  readonly onToggle: (id: string) => void;
  readonly detailsId: string;
}

/**
 * One event: a summary button (seq, time, type, node/phase, duration, failure mark) that expands the
 * payload below it.
 */
export function EventLogRow({ event, expanded, onToggle, detailsId }: EventLogRowProps): ReactNode {
  const failed = isFailureEvent(event);
  const node = eventNode(event);
  const phase = eventPhase(event);
  const duration = eventDuration(event);
  return (
    <>
      <button
        type="button"
        className="herald-event-log__summary"
        aria-expanded={expanded}
        aria-controls={expanded ? detailsId : undefined}
        onClick={() => onToggle(event.id)}
      >
        <span className="herald-event-log__chevron" aria-hidden="true">
          {expanded ? '▾' : '▸'}
        </span>
        <span className="herald-event-log__seq">#{event.seq}</span>
        <time className="herald-event-log__time" dateTime={event.ts}>
          {formatTime(event.ts)}
        </time>
        <span className="herald-event-log__type">{event.type}</span>
        <span className="herald-event-log__node">{[node, phase].filter(Boolean).join(' · ')}</span>
        <span className="herald-event-log__duration">
          {duration === null ? '' : formatDuration(duration)}
        </span>
        {failed ? (
          <span className="herald-event-log__failure">
            <span aria-hidden="true">✖</span> Failed
          </span>
        ) : null}
      </button>
      {expanded ? (
        <pre
          id={detailsId}
          className={cx('herald-event-log__details', failed && 'herald-event-log__details--failure')}
        >
          {JSON.stringify(event.data, null, 2)}
        </pre>
      ) : null}
    </>
  );
}
