import { useChannelEvents, useRunProgress } from '@herald/react';
import { type ReactNode, useMemo } from 'react';
import { StatusBadge } from '../components/status-badge.js';
import { formatDuration } from '../lib/format.js';

/** What the bar measures in each status: clip generation first, then encoding from 0 again. */
const PHASES: Readonly<Record<string, string>> = { processing: 'Generating', encoding: 'Encoding' };

/** Most jobs shown (and subscribed to) at once. */
const MAX_JOBS = 12;

interface JobSummary {
  readonly id: string;
  readonly channel: string;
  readonly prompt: string;
}

/** Video generation jobs from the `generations` index, each following its own `generation:<id>` channel. */
export function GenerationsPage(): ReactNode {
  const { events, status } = useChannelEvents('generations', { limit: 300 });
  const jobs = useMemo(() => {
    const byId = new Map<string, JobSummary>();
    for (const e of events) {
      const data = (e.data ?? {}) as Record<string, unknown>;
      const id = typeof data.generation_id === 'string' ? data.generation_id : null;
      if (id === null || byId.has(id)) continue;
      byId.set(id, {
        id,
        channel: typeof data.channel === 'string' ? data.channel : `generation:${id}`,
        prompt: typeof data.prompt === 'string' ? data.prompt : id,
      });
    }
    return [...byId.values()].reverse().slice(0, MAX_JOBS);
  }, [events]);

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
          <div className="empty__title">{status === 'loading' ? 'Connecting…' : 'No jobs yet'}</div>
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

function JobCard({ job }: { readonly job: JobSummary }): ReactNode {
  const p = useRunProgress(job.channel);
  const status = p.jobStatus ?? (p.status === 'idle' ? 'queued' : p.status);
  // Encoding restarts the bar: until its first frame report the encoder is at 0 %, not at the clips' 100 %.
  const percent = status === 'encoding' && p.frames === null ? 0 : Math.round(p.percent);
  const clipsDone = Object.keys(p.clips).length;
  const total = p.totalClips ?? 0;
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
      {total > 0 ? (
        <div className="clips" aria-hidden="true">
          {Array.from({ length: total }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: clip slots are positional; the clip number is the identity
            <span key={i} className={`clip${p.clips[i + 1] ? ' clip--done' : ''}`} />
          ))}
        </div>
      ) : null}
      <div className="job__stats">
        <span>
          {PHASES[status] ? `${PHASES[status]} ` : ''}
          <strong>{percent}%</strong>
        </span>
        {total > 0 ? (
          <span>
            Clips <strong>{clipsDone}</strong> / {total}
          </span>
        ) : null}
        {p.step !== null && status === 'processing' ? <span>{p.step.replace(/_/g, ' ')}</span> : null}
        {p.frames !== null ? (
          <span>
            Frames <strong>{p.frames.done}</strong> / {p.frames.total}
          </span>
        ) : null}
        {p.eta !== null && p.frames !== null && status === 'encoding' ? (
          <span>
            ETA <strong>{p.eta > 0 ? formatDuration(p.eta * 1000) : 'finishing'}</strong>
          </span>
        ) : null}
        {p.url !== null ? (
          <a href={p.url} target="_blank" rel="noreferrer">
            Open video
          </a>
        ) : null}
      </div>
      {p.error !== null ? (
        <div className="job__error" role="alert">
          {p.error.message} <span className="mono">({p.error.code})</span>
          {p.error.recoverable ? ' · safe to retry' : ''}
        </div>
      ) : null}
    </article>
  );
}
