import { EventLog, JobProgressView, useChannelEvents, useJob } from '@herald/react';
import type { ReactNode } from 'react';
import { ArtifactsPanel } from '../components/artifacts-panel.js';
import { HubHistory } from '../components/hub-history.js';
import { LyricsPanel } from '../components/lyrics-panel.js';
import { NotesPanel } from '../components/notes-panel.js';
import { ScoresPanel } from '../components/scores-panel.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatDuration } from '../lib/format.js';
import { nodeArtifacts, stepOf } from '../lib/run-job.js';
import type { RunSummary } from '../lib/runs-index.js';

/**
 * One run, read from its channel's state (the job vocabulary): pipeline progress, streamed lyrics, scores
 * and issues, artifacts, then the raw event log and notes. The state comes as a snapshot first, so a page
 * reloaded mid-run shows the whole run at once instead of replaying its events.
 */
export function RunView({
  runId,
  summary,
}: {
  readonly runId: string;
  readonly summary: RunSummary | undefined;
}): ReactNode {
  const channel = `run:${runId}`;
  const job = useJob(channel);
  const { events } = useChannelEvents(channel);
  const meta = job.job.metadata;
  const title = typeof meta.song_title === 'string' ? meta.song_title : (summary?.songTitle ?? runId);
  const genre = typeof meta.genre === 'string' ? meta.genre : summary?.genre;
  const durationMs = typeof meta.duration_ms === 'number' ? meta.duration_ms : null;
  const status = job.loading ? (summary?.status ?? 'pending') : job.job.status;

  return (
    <div className="stack" data-run-id={runId}>
      <section className="card run-head" aria-labelledby="run-title">
        <div>
          <h2 id="run-title">{title}</h2>
          <div className="run-head__meta">
            <span>
              Run <span className="mono">{runId}</span>
            </span>
            {genre ? <span>{genre}</span> : null}
            <span>{events.length} events</span>
            <HubHistory channel={channel} />
            {durationMs !== null ? <span>Took {formatDuration(durationMs)}</span> : null}
          </div>
        </div>
        <StatusBadge status={status} />
      </section>
      <div className="grid-2">
        <JobProgressView job={job} title="Pipeline" />
        <ScoresPanel job={job} />
      </div>
      <LyricsPanel channel={channel} step={stepOf(job, 'LYRICS')} />
      <div data-testid="run-event-log">
        <EventLog channel={channel} title="Event log" height={360} />
      </div>
      <div className="grid-2">
        <ArtifactsPanel artifacts={nodeArtifacts(job)} />
        <NotesPanel runId={runId} />
      </div>
    </div>
  );
}
