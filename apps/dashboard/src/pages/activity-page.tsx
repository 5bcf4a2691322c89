import { useChannelEvents, useConnectionStatus } from '@herald/react';
import { type ReactNode, useMemo } from 'react';
import { type ActivityItem, describeActivity } from '../lib/activity.js';
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

/** PurposePath's activity feed: typed domain events, normalised to camelCase, newest first. */
export function ActivityPage(): ReactNode {
  const { events, status: channelStatus } = useChannelEvents(ACTIVITY_CHANNEL, { limit: 200 });
  const connection = useConnectionStatus();
  const now = useNow(5_000);
  const items = useMemo(() => events.map(describeActivity).reverse(), [events]);
  const live = connection.isConnected && channelStatus === 'live';
  const tally = useMemo(() => {
    const counts = { goal: 0, action: 0, issue: 0, kpi: 0, other: 0 };
    for (const item of items) counts[item.kind] += 1;
    return counts;
  }, [items]);
  const latest = items[0];

  return (
    <>
      <div className="page__header">
        <div>
          <h1>Activity</h1>
          <p className="page__subtitle">PurposePath goals, actions, issues and KPIs for tenant t1.</p>
        </div>
        <span className={`live${live ? ' live--on' : ''}`} data-live={live}>
          {live ? 'Live' : 'Paused'}
        </span>
      </div>
      <div className="activity-layout">
        <section className="card" aria-labelledby="feed-title">
          <header className="card__header">
            <h2 id="feed-title">Feed</h2>
            <span className="count">{items.length}</span>
          </header>
          {items.length === 0 ? (
            <div className="empty">
              <div className="empty__title">
                {channelStatus === 'loading' ? 'Connecting…' : 'Quiet so far'}
              </div>
              Events appear here the moment they happen.
            </div>
          ) : (
            <ol className="feed" aria-label="Activity, newest first">
              {items.slice(0, VISIBLE_ROWS).map((item) => (
                <li key={item.id} className="feed__item" data-seq={item.seq} data-type={item.type}>
                  <span className={`feed__icon feed__icon--${item.kind}`} aria-hidden="true">
                    {ICONS[item.kind]}
                  </span>
                  <div>
                    <div className="feed__text">{item.summary}</div>
                    <div className="feed__meta">
                      {item.actor ? `${item.actor} · ` : ''}
                      <span className="feed__type">{item.type}</span>
                    </div>
                  </div>
                  <time className="feed__time" dateTime={item.ts}>
                    {formatAgo(item.ts, now)}
                  </time>
                </li>
              ))}
            </ol>
          )}
        </section>
        <aside className="stack">
          <section className="card" aria-labelledby="tally-title">
            <header className="card__header">
              <h2 id="tally-title">In this feed</h2>
            </header>
            <dl className="tally card__body">
              <div>
                <dt>Goal updates</dt>
                <dd>{tally.goal}</dd>
              </div>
              <div>
                <dt>Action changes</dt>
                <dd>{tally.action}</dd>
              </div>
              <div>
                <dt>Issues raised</dt>
                <dd>{tally.issue}</dd>
              </div>
              <div>
                <dt>KPI readings</dt>
                <dd>{tally.kpi}</dd>
              </div>
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
