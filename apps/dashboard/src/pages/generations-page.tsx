import type { JobView } from '@herald/protocol';
import { useCollection, useJob } from '@herald/react';
import { type ReactNode, useMemo } from 'react';
import { StatusBadge } from '../components/status-badge.js';
import { formatDuration } from '../lib/format.js';
import { useNow } from '../lib/use-now.js';

/** Most jobs shown (and subscribed to) at once. */
const MAX_JOBS = 12;
/** delicious-lotus's steps as the simulator names them: `Clip 1` … `Clip n`, then `Encoding`. */
const ENCODING_STEP = 'Encoding';
const isClip = (name: string): boolean => name.startsWith('Clip ');

interface JobSummary {
  readonly id: string;
  readonly channel: string;
  readonly prompt: string;
  readonly startedAt: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Video generation jobs from the `generations` collection (a snapshot, then per-job updates), each card
 * reading its own `generation:<id>` channel's job state.
 */
export function GenerationsPage(): ReactNode {
  const { entries, loading } = useCollection('generations');
  const jobs = useMemo(
    () =>
      entries
        .map(({ key, value }): JobSummary => {
          const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
          return {
            id: str(v.generationId) ?? key,
            channel: str(v.channel) ?? `generation:${key}`,
            prompt: str(v.prompt) ?? key,
            startedAt: str(v.startedAt) ?? '',
          };
        })
        .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
        .slice(0, MAX_JOBS),
    [entries],
  );

  return (
    <>
      <div className="page__header">
        <div>
          <h1>Video generations</h1>
          <p className="page__subtitle">
            Several jobs at once: clip progress, encoding frames and ETA, live.
          </p>
        </div>
      </div>
      {jobs.length === 0 ? (
        <section className="card empty">
          <div className="empty__title">{loading ? 'Connecting…' : 'No jobs yet'}</div>
          Jobs appear here as soon as they are queued.
        </section>
      ) : (
        <div className="jobs">
          {jobs.map((job) => (
            <JobCard key={job.id} job={job} />
          ))}
        </div>
      )}
    </>
  );
}

/** The app's status words: a running job is `processing` its clips, then `encoding`. */
function statusOf(view: JobView): string {
  if (view.job.status !== 'running') return view.job.status;
  return view.current?.name === ENCODING_STEP ? 'encoding' : 'processing';
}

function JobCard({ job }: { readonly job: JobSummary }): ReactNode {
  const view = useJob(job.channel);
  const now = useNow(1_000);
  const status = view.loading ? 'queued' : statusOf(view);
  const percent = Math.round(view.progress * 100);
  const clips = view.steps.filter((s) => isClip(s.name));
  const clipsDone = clips.filter((s) => s.status === 'completed').length;
  const frames = view.job.metadata.frames as { done?: unknown; total?: unknown } | undefined;
  const framesDone = typeof frames?.done === 'number' ? frames.done : null;
  const framesTotal = typeof frames?.total === 'number' ? frames.total : null;
  const etaMs = typeof view.job.etaAt === 'string' ? Date.parse(view.job.etaAt) - now : Number.NaN;
  const url = view.job.artifacts.video?.url ?? null;
  const error = view.job.error ?? null;
  const tone = status === 'completed' ? 'completed' : status === 'failed' ? 'failed' : '';

  return (
    <article className="card job" aria-label={`Generation ${job.id}`} data-generation-id={job.id}>
      <div className="job__top">
        <div>
          <div className="job__prompt">{job.prompt}</div>
          <div className="job__id">{job.id}</div>
        </div>
        <StatusBadge status={status} />
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label={`Progress of ${job.id}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div
          className={`progress__fill${tone ? ` progress__fill--${tone}` : ''}`}
          style={{ width: `${percent}%` }}
        />
      </div>
      {clips.length > 0 ? (
        <div className="clips" aria-hidden="true">
          {clips.map((clip) => (
            <span key={clip.name} className={`clip${clip.status === 'completed' ? ' clip--done' : ''}`} />
          ))}
        </div>
      ) : null}
      <div className="job__stats">
        <span>
          <strong>{percent}%</strong>
        </span>
        {clips.length > 0 ? (
          <span>
            Clips <strong>{clipsDone}</strong> / {clips.length}
          </span>
        ) : null}
        {status === 'processing' && typeof view.job.message === 'string' ? (
          <span>{view.job.message}</span>
        ) : null}
        {framesDone !== null && framesTotal !== null ? (
          <span>
            Frames <strong>{framesDone}</strong> / {framesTotal}
          </span>
        ) : null}
        {status === 'encoding' && Number.isFinite(etaMs) ? (
          <span>
            ETA <strong>{etaMs > 0 ? formatDuration(etaMs) : 'finishing'}</strong>
          </span>
        ) : null}
        {url !== null ? (
          <a href={url} target="_blank" rel="noreferrer">
            Open video
          </a>
        ) : null}
      </div>
      {error !== null ? (
        <div className="job__error" role="alert">
          {error.message} <span className="mono">({error.code})</span>
          {error.recoverable ? ' · safe to retry' : ''}
        </div>
      ) : null}
    </article>
  );
}
