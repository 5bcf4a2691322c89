import { useCollection } from '@herald/react';
import { type ReactNode, useMemo } from 'react';
import { StatusBadge } from '../components/status-badge.js';
import { formatAgo } from '../lib/format.js';
import { routeHref } from '../lib/hash-route.js';
import { type RunSummary, runsFromCollection } from '../lib/runs-index.js';
import { useNow } from '../lib/use-now.js';
import { RunView } from './run-view.js';

/** The runs collection channel kept by the simulator (and any MeatyMusic backend): one entry per run. */
const RUNS_CHANNEL = 'runs';

/**
 * Live list of workflow runs from the `runs` collection (a snapshot, then per-run updates; entries leave
 * when their TTL passes), with the selected (or newest) run beside it.
 */
export function RunsPage({ runId }: { readonly runId: string | null }): ReactNode {
  const { entries, loading } = useCollection(RUNS_CHANNEL);
  const status = loading ? 'loading' : 'ready';
  const runs = useMemo(() => runsFromCollection(entries), [entries]);
  const selectedId = runId ?? runs[0]?.runId ?? null;
  const selected = runs.find((r) => r.runId === selectedId);

  return (
    <>
      <div className="page__header">
        <div>
          <h1>Workflow runs</h1>
          <p className="page__subtitle">
            MeatyMusic song pipeline, streamed node by node from each run&rsquo;s channel.
          </p>
        </div>
      </div>
      <div className="runs-layout">
        <section className="card" aria-labelledby="runs-title">
          <header className="card__header">
            <h2 id="runs-title">Runs</h2>
            <span className="count">{runs.length}</span>
          </header>
          {runs.length === 0 ? (
            <div className="empty">
              <div className="empty__title">{status === 'loading' ? 'Connecting…' : 'No runs yet'}</div>A new
              run starts about every 20 seconds.
            </div>
          ) : (
            <RunList runs={runs} selectedId={selectedId} />
          )}
        </section>
        {selectedId === null ? (
          <section className="card empty">
            <div className="empty__title">Waiting for the first run</div>
            Runs appear here the moment they start.
          </section>
        ) : (
          <RunView key={selectedId} runId={selectedId} summary={selected} />
        )}
      </div>
    </>
  );
}

function RunList({
  runs,
  selectedId,
}: {
  runs: readonly RunSummary[];
  selectedId: string | null;
}): ReactNode {
  const now = useNow(5_000);
  return (
    <ul className="run-list">
      {runs.map((run) => (
        <li key={run.runId}>
          <a
            className="run-item"
            href={routeHref({ page: 'runs', runId: run.runId })}
            aria-current={run.runId === selectedId ? 'true' : undefined}
            data-run-id={run.runId}
          >
            <span className="run-item__title">{run.songTitle}</span>
            <StatusBadge status={run.status} />
            <span className="run-item__meta">
              {run.genre ? `${run.genre} · ` : ''}
              <span className="mono">{run.runId}</span>
              {run.startedAt ? ` · ${formatAgo(run.startedAt, now)}` : ''}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
