import type { ChannelStatus } from '@herald/client/store';
import type { Envelope, SincePosition } from '@herald/protocol';
import {
  measureElement,
  observeElementRect,
  useVirtualizer,
  type Virtualizer,
} from '@tanstack/react-virtual';
import { type ReactNode, useCallback, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useChannelEvents } from '../hooks/use-channel-events.js';
import { useUnseenCount } from '../hooks/use-unseen-count.js';
import { cx } from './cx.js';
import { isFailureEvent, matchesFilter } from './event-format.js';
import { EventLogRow } from './event-log-row.js';
import { NewItemsButton } from './new-items-button.js';

/** Props of {@link EventLogView}, the presentational event log. */
export interface EventLogViewProps {
  /** Events in seq order, oldest first. */
  readonly events: readonly Envelope[];
  /** Called by the Clear button; the button is hidden without it. */
  readonly onClear?: () => void;
  /** Subscription status, shown in the header when not `live`. */
  readonly status?: ChannelStatus;
  /** Heading text. @default 'Events' */
  readonly title?: string;
  /** Height of the scrolling area in px. @default 320 */
  readonly height?: number;
  /** Estimated height of a collapsed row in px, used before rows are measured. @default 32 */
  readonly rowHeight?: number;
  /** Extra class names for the root element. */
  readonly className?: string;
}

const jumpLabel = (count: number): string =>
  count === 0 ? 'Jump to latest' : `Jump to latest · ${count} new ${count === 1 ? 'event' : 'events'}`;

/** Props of {@link EventLog}. */
export interface EventLogProps extends Omit<EventLogViewProps, 'events' | 'onClear' | 'status'> {
  /** Channel to show. */
  readonly channel: string;
  /** Most events kept; older ones are dropped first. @default 1000 */
  readonly limit?: number;
  /** Where to start; see {@link UseChannelEventsOptions.since}. @default { seq: 0 } (retained history) */
  readonly since?: SincePosition | 'now';
}

/**
 * A live, virtualised log of a channel's events (newest last) with auto-scroll that pauses when you scroll
 * up, a "Jump to latest · 3 new events" button counting what arrived meanwhile, per-row details, failure
 * highlighting, a type/node filter and Clear.
 */
export function EventLog({ channel, limit, since, ...view }: EventLogProps): ReactNode {
  const { events, status, clear } = useChannelEvents(channel, {
    ...(limit === undefined ? {} : { limit }),
    ...(since === undefined ? {} : { since }),
  });
  return <EventLogView {...view} events={events} status={status} onClear={clear} />;
}

/** The event log UI for events you already have (see {@link EventLog} for the connected version). */
export function EventLogView({
  events,
  onClear,
  status,
  title = 'Events',
  height = 320,
  rowHeight = 32,
  className,
}: EventLogViewProps): ReactNode {
  const id = useId();
  const scrollRef = useRef<HTMLElement>(null);
  const [query, setQuery] = useState('');
  const [failuresOnly, setFailuresOnly] = useState(false);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const [following, setFollowing] = useState(true);
  const lastScrollTop = useRef(0);

  const visible = useMemo(
    () => events.filter((e) => matchesFilter(e, query.trim()) && (!failuresOnly || isFailureEvent(e))),
    [events, query, failuresOnly],
  );

  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    getItemKey: (index) => visible[index]?.id ?? index,
    overscan: 8,
    initialRect: { width: 0, height },
    // Layout-less environments (jsdom, hidden tabs) report 0 px: fall back to the configured sizes.
    observeElementRect: (instance: Virtualizer<HTMLElement, Element>, cb) =>
      observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : { width: rect.width, height })),
    measureElement: (element, entry, instance) => measureElement(element, entry, instance) || rowHeight,
  });

  // Newest last: keep the end in view while following. Keyed on the newest id because once the cap is
  // reached the length stops changing while events keep arriving.
  const newestId = visible.at(-1)?.id;
  useLayoutEffect(() => {
    if (following && newestId !== undefined) virtualizer.scrollToIndex(visible.length - 1, { align: 'end' });
  }, [following, newestId, visible.length, virtualizer]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (el === null) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= rowHeight;
    // Only a move upwards pauses: programmatic scrolls to the end never do.
    const movedUp = el.scrollTop < lastScrollTop.current - 1;
    lastScrollTop.current = el.scrollTop;
    if (atBottom) setFollowing(true);
    else if (movedUp) setFollowing(false);
  }, [rowHeight]);

  const toggle = useCallback((eventId: string) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (!next.delete(eventId)) next.add(eventId);
      return next;
    });
  }, []);

  // Events (matching the filter) that arrived while the reader was scrolled up.
  const visibleIds = useMemo(() => visible.map((e) => e.id), [visible]);
  const unseen = useUnseenCount(visibleIds, !following);

  const jumpToLatest = (): void => {
    setFollowing(true);
    if (visible.length > 0) virtualizer.scrollToIndex(visible.length - 1, { align: 'end' });
  };

  const last = events.at(-1);
  return (
    <section className={cx('herald-event-log', className)} aria-labelledby={`${id}-title`}>
      <header className="herald-event-log__header">
        <h3 id={`${id}-title`} className="herald-event-log__title">
          {title}
        </h3>
        <span className="herald-event-log__count" aria-live="off">
          {visible.length === events.length
            ? `${events.length} events`
            : `${visible.length} of ${events.length} events`}
        </span>
        {status !== undefined && status !== 'live' ? (
          <span className={`herald-event-log__status herald-event-log__status--${status}`}>
            {status === 'loading' ? 'Loading…' : 'Subscription failed'}
          </span>
        ) : null}
        <label className="herald-event-log__filter">
          <span>Filter</span>
          <input
            type="search"
            value={query}
            placeholder="Type or node"
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
        <label className="herald-event-log__failures-only">
          <input type="checkbox" checked={failuresOnly} onChange={(e) => setFailuresOnly(e.target.checked)} />
          <span>Failures only</span>
        </label>
        {onClear === undefined ? null : (
          <button type="button" className="herald-button herald-event-log__clear" onClick={onClear}>
            Clear
          </button>
        )}
      </header>
      <section
        ref={scrollRef}
        className="herald-event-log__scroll"
        style={{ height, overflowY: 'auto', position: 'relative' }}
        onScroll={onScroll}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the scroll area must be reachable to scroll by keyboard
        tabIndex={0}
        aria-label={`${title}, newest last`}
        data-count={events.length}
        data-last-seq={last?.seq ?? ''}
        data-following={following}
      >
        {visible.length === 0 ? (
          <p className="herald-event-log__empty">
            {events.length === 0 ? 'No events yet' : 'No events match the filter'}
          </p>
        ) : (
          <ol
            className="herald-event-log__list"
            style={{
              height: virtualizer.getTotalSize(),
              position: 'relative',
              width: '100%',
              margin: 0,
              padding: 0,
            }}
          >
            {virtualizer.getVirtualItems().map((item) => {
              const event = visible[item.index];
              if (event === undefined) return null;
              return (
                <li
                  key={item.key}
                  ref={virtualizer.measureElement}
                  data-index={item.index}
                  data-seq={event.seq}
                  className={cx(
                    'herald-event-log__row',
                    isFailureEvent(event) && 'herald-event-log__row--failure',
                  )}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    width: '100%',
                    transform: `translateY(${item.start}px)`,
                  }}
                >
                  <EventLogRow
                    event={event}
                    expanded={expanded.has(event.id)}
                    onToggle={toggle}
                    detailsId={`${id}-details-${event.id.replace(/\s/g, '_')}`}
                  />
                </li>
              );
            })}
          </ol>
        )}
      </section>
      <NewItemsButton
        className="herald-event-log__jump"
        count={unseen}
        visible={!following}
        direction="down"
        label={jumpLabel}
        onJump={jumpToLatest}
      />
    </section>
  );
}
