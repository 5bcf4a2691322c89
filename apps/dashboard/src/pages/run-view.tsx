import { EventLog, MEATYMUSIC_NODES, RunProgressView, useChannelEvents, useRunProgress } from '@herald/react';
import { type ReactNode, useMemo } from 'react';
import { ArtifactsPanel } from '../components/artifacts-panel.js';
import { HubHistory } from '../components/hub-history.js';
import { NotesPanel } from '../components/notes-panel.js';
import { ScoresPanel } from '../components/scores-panel.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatDuration } from '../lib/format.js';
import type { RunSummary } from '../lib/runs-index.js';

/** One run: pipeline progress, scores and issues, artifacts, the raw event log and notes. */
export function RunView({
  runId,
  summary,
}: {
  readonly runId: string;
  readonly summary: RunSummary | undefined;
}): ReactNode {
  const channel = `run:${runId}`;
  const progress = useRunProgress(channel, { steps: MEATYMUSIC_NODES });
  const { events } = useChannelEvents(channel);
  const title = useMemo(() => {
    const started = events.find((e) => e.type === 'run.started')?.data as
      | { song_title?: unknown }
      | undefined;
    return typeof started?.song_title === 'string' ? started.song_title : (summary?.songTitle ?? runId);
  }, [events, summary, runId]);
  // The pipeline card shows nodes only; scores and issues get their own, richer panel.
  const pipeline = useMemo(() => ({ ...progress, scores: {}, issues: [] }), [progress]);
  const status = progress.status === 'idle' ? (summary?.status ?? 'pending') : progress.status;

  return (
    <div className="stack" data-run-id={runId}>
      <section className="card run-head" aria-labelledby="run-title">
        <div>
          <h2 id="run-title">{title}</h2>
          <div className="run-head__meta">
            <span>
              Run <span className="mono">{runId}</span>
            </span>
            {summary?.genre ? <span>{summary.genre}</span> : null}
            <span>{events.length} events</span>
            <HubHistory channel={channel} />
            {progress.durationMs !== null ? <span>Took {formatDuration(progress.durationMs)}</span> : null}
          </div>
        </div>
        <StatusBadge status={status} />
      </section>
      <div className="grid-2">
        <RunProgressView progress={pipeline} title="Pipeline" />
        <ScoresPanel progress={progress} />
      </div>
      <div data-testid="run-event-log">
        <EventLog channel={channel} title="Event log" height={360} />
      </div>
      <div className="grid-2">
        <ArtifactsPanel artifacts={progress.artifacts} />
        <NotesPanel runId={runId} />
      </div>
    </div>
  );
}
