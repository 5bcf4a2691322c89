import {
  type FeedItem,
  LiveBadge,
  NewItemsButton,
  toast,
  useChangedAt,
  useConnectionStatus,
  useEventToasts,
  useHighlight,
  useLiveEnd,
  useOptimisticEvents,
  useUnseenCount,
} from '@herald/react';
import { type FormEvent, type ReactNode, useId, useMemo, useRef, useState } from 'react';
import { dashboardStorage } from '../client.js';
import {
  type ActivityItem,
  type ActivityPost,
  activityKey,
  describeActivity,
  POST_TYPE,
} from '../lib/activity.js';
import { formatAgo } from '../lib/format.js';
import { useNow } from '../lib/use-now.js';

/** The PurposePath tenant feed. */
const ACTIVITY_CHANNEL = 'tenant:t1:activity';
/** Rows drawn; the tally still counts every event kept. */
const VISIBLE_ROWS = 40;

const ICONS: Readonly<Record<ActivityItem['kind'], string>> = {
  goal: '◎',
  action: '✓',
  issue: '!',
  kpi: '↗',
  other: '•',
};

const newActivities = (n: number): string => `${n} new ${n === 1 ? 'activity' : 'activities'}`;

interface IssueData {
  readonly title?: unknown;
  readonly severity?: unknown;
}

/**
 * PurposePath's activity feed: typed domain events, normalised to camelCase, newest first. Posts show at
 * once (pending until the hub acknowledges them, also after a reload while offline), new rows are
 * highlighted for a moment, "3 new activities" counts what arrived while you scrolled down, and critical
 * issues raise a toast.
 */
export function ActivityPage(): ReactNode {
  const feed = useOptimisticEvents(ACTIVITY_CHANNEL, {
    limit: 200,
    keyOf: activityKey,
    persistence: dashboardStorage,
  });
  const connection = useConnectionStatus();
  const now = useNow(5_000);
  const newestFirst = useMemo(() => [...feed.items].reverse(), [feed.items]);
  const rows = useMemo(
    () => newestFirst.map((item) => ({ item, activity: describeActivity(item) })),
    [newestFirst],
  );
  const scrollRef = useRef<HTMLElement>(null);
  const liveEnd = useLiveEnd(scrollRef, { edge: 'start' });
  const keys = useMemo(() => newestFirst.map((item) => item.key), [newestFirst]);
  const unseen = useUnseenCount(keys, !liveEnd.atLiveEnd);

  useEventToasts<IssueData>(ACTIVITY_CHANNEL, {
    match: (e) => e.type === 'issue.created' && e.data.severity === 'critical',
    render: (e) => ({
      title: `Critical issue: ${typeof e.data.title === 'string' ? e.data.title : 'untitled'}`,
      level: 'error',
    }),
    notify: toast,
  });

  const tally = useMemo(() => {
    const counts = { goal: 0, action: 0, issue: 0, kpi: 0, other: 0 };
    for (const { activity } of rows) counts[activity.kind] += 1;
    return counts;
  }, [rows]);
  const latest = rows.find((r) => r.item.event !== null)?.activity;

  return (
    <>
      <div className="page__header">
        <div>
          <h1>Activity</h1>
          <p className="page__subtitle">PurposePath goals, actions, issues and KPIs for tenant t1.</p>
        </div>
        <LiveBadge channel={ACTIVITY_CHANNEL} name="Activity feed" />
      </div>
      <div className="activity-layout">
        <section className="card" aria-labelledby="feed-title">
          <header className="card__header">
            <h2 id="feed-title">Feed</h2>
            <span className="count">{feed.items.length}</span>
          </header>
          <PostForm onPost={(post) => void feed.publish(POST_TYPE, post).catch(() => {})} />
          {feed.failures.length === 0 ? null : (
            <ul className="feed-failures" role="alert">
              {feed.failures.map((failure) => (
                <li key={failure.id} className="feed-failure">
                  <span>
                    Could not post “{describeActivity({ ...failure, seq: null, ts: null }).summary}”:{' '}
                    {failure.error.message}
                  </span>
                  <button type="button" className="button" onClick={() => feed.dismissFailure(failure.id)}>
                    Dismiss
                  </button>
                </li>
              ))}
            </ul>
          )}
          <div className="feed-frame">
            <NewItemsButton className="feed-new" count={unseen} label={newActivities} onJump={liveEnd.jump} />
            <section
              ref={scrollRef}
              className="feed-scroll"
              // biome-ignore lint/a11y/noNoninteractiveTabindex: the scroll area must be reachable to scroll by keyboard
              tabIndex={0}
              aria-label="Activity feed, newest first"
              data-at-live-end={liveEnd.atLiveEnd}
            >
              {rows.length === 0 ? (
                <div className="empty">
                  <div className="empty__title">
                    {feed.status === 'loading' ? 'Connecting…' : 'Quiet so far'}
                  </div>
                  Events appear here the moment they happen.
                </div>
              ) : (
                <ol className="feed" aria-label="Activity, newest first">
                  {rows.slice(0, VISIBLE_ROWS).map(({ item, activity }) => (
                    <FeedRow
                      key={item.key}
                      item={item}
                      activity={activity}
                      now={now}
                      offline={!connection.isConnected}
                    />
                  ))}
                </ol>
              )}
            </section>
          </div>
        </section>
        <aside className="stack">
          <section className="card" aria-labelledby="tally-title">
            <header className="card__header">
              <h2 id="tally-title">In this feed</h2>
            </header>
            <dl className="tally card__body">
              <TallyRow label="Goal updates" value={tally.goal} />
              <TallyRow label="Action changes" value={tally.action} />
              <TallyRow label="Issues raised" value={tally.issue} />
              <TallyRow label="KPI readings" value={tally.kpi} />
            </dl>
          </section>
          {latest ? (
            <section className="card" aria-labelledby="payload-title">
              <header className="card__header">
                <h2 id="payload-title">Latest payload</h2>
                <span className="card__hint">camelCase</span>
              </header>
              <div className="card__body">
                <pre className="json">{JSON.stringify(latest.data, null, 2)}</pre>
              </div>
            </section>
          ) : null}
        </aside>
      </div>
    </>
  );
}

/** One feed row: highlighted for a moment when it arrives live (or is posted), marked while pending. */
function FeedRow({
  item,
  activity,
  now,
  offline,
}: {
  readonly item: FeedItem;
  readonly activity: ActivityItem;
  readonly now: number;
  readonly offline: boolean;
}): ReactNode {
  const highlight = useHighlight(item.receivedAt, { kind: item.updates > 0 ? 'updated' : 'new' });
  return (
    <li
      className={`feed__item herald-highlight${item.pending ? ' feed__item--pending' : ''}`}
      data-id={item.id}
      data-seq={item.seq ?? undefined}
      data-type={item.type}
      data-pending={item.pending}
      aria-busy={item.pending}
      {...highlight.props}
    >
      <span className={`feed__icon feed__icon--${activity.kind}`} aria-hidden="true">
        {ICONS[activity.kind]}
      </span>
      <div>
        <div className="feed__text">{activity.summary}</div>
        <div className="feed__meta">
          {activity.actor ? `${activity.actor} · ` : ''}
          <span className="feed__type">{activity.type}</span>
          {highlight.kind === null ? null : (
            <span className="feed__tag">{highlight.kind === 'new' ? 'New' : 'Updated'}</span>
          )}
        </div>
      </div>
      {item.pending ? (
        <span className="feed__pending">{offline ? 'Queued · offline' : 'Sending…'}</span>
      ) : item.ts === null ? (
        <span className="feed__time">Sent</span>
      ) : (
        <time className="feed__time" dateTime={item.ts}>
          {formatAgo(item.ts, now)}
        </time>
      )}
    </li>
  );
}

/** A count in the tally, highlighted for a moment when it changes. */
function TallyRow({ label, value }: { readonly label: string; readonly value: number }): ReactNode {
  const highlight = useHighlight(useChangedAt(value), { kind: 'updated', durationMs: 1500 });
  return (
    <div className="tally__row herald-highlight" {...highlight.props}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** "Post an update": a PurposePath activity on the tenant's goals, shown at once in the feed. */
function PostForm({ onPost }: { readonly onPost: (post: ActivityPost) => void }): ReactNode {
  const [draft, setDraft] = useState('');
  const inputId = useId();
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const text = draft.trim();
    if (text === '') return;
    onPost({ tenant_id: 't1', activity_id: `act_${crypto.randomUUID()}`, text, author_name: 'You' });
    setDraft('');
  };
  return (
    <form className="feed-post" onSubmit={submit}>
      <label htmlFor={inputId} className="visually-hidden">
        Post an update
      </label>
      <input
        id={inputId}
        name="update"
        className="input"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        placeholder="Post an update on the team’s goals"
        maxLength={280}
        autoComplete="off"
      />
      <button type="submit" className="button button--primary" disabled={draft.trim() === ''}>
        Post
      </button>
    </form>
  );
}
