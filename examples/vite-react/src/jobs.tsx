import { useState } from 'react'
import { Toaster } from 'sonner'
import {
  ConnectionStatus,
  EventLog,
  JobProgressView,
  useConnectionToasts,
  useEventToasts,
  useJob,
} from '@herald/react'
import { noticeToast, notify } from './toasts.ts'

const jobChannel = (jobId: string) => `generation:${jobId}`

/** The encoder's progress as the backend writes it into the job's metadata (node-publisher's jobs.mjs). */
interface Frames {
  done: number
  total: number
}

const isFrames = (v: unknown): v is Frames =>
  typeof v === 'object' && v !== null && typeof (v as Frames).done === 'number' && typeof (v as Frames).total === 'number'

/**
 * One generation job, read from its channel's state (Herald's job vocabulary): `<JobProgressView>` draws the
 * steps (one per clip, then encoding), overall progress, ETA and error; the app reads its own facts (frames,
 * the video) from the same job. A page opened mid-job gets all of it at once from the snapshot.
 */
export function JobCard({ jobId }: { jobId: string }) {
  const job = useJob(jobChannel(jobId), {
    // Fires once per job, when it completes, fails or is cancelled (also if it already had when we mounted).
    onDone: (done) => {
      if (done.status === 'completed') notify({ kind: 'run-completed', title: `Job ${jobId} is ready` })
      else if (done.error && !done.error.recoverable)
        notify({ kind: 'run-failed', title: `Job ${jobId} failed`, description: done.error.message })
    },
  })
  // The backend's `notice` events on the job's channel, as sonner toasts (new ones only, not history).
  useEventToasts(jobChannel(jobId), { match: 'notice', render: (e) => noticeToast(jobId, e.data), notify })
  const clips = job.steps.filter((s) => s.name.startsWith('Clip '))
  const frames = job.job.metadata.frames
  const video = job.job.artifacts.video?.url
  return (
    <article className="job" data-job={jobId} data-status={job.job.status} aria-label={`Job ${jobId}`}>
      <JobProgressView job={job} title={`Job ${jobId}`} />
      <dl className="job__facts">
        <div>
          <dt>Status</dt>
          <dd>{job.loading ? 'waiting' : job.job.status}</dd>
        </div>
        <div>
          <dt>Clips</dt>
          <dd>
            {clips.filter((c) => c.status === 'completed').length} of {clips.length || '?'}
          </dd>
        </div>
        {isFrames(frames) ? (
          <div>
            <dt>Encoded</dt>
            <dd>
              {frames.done} / {frames.total} frames
            </dd>
          </div>
        ) : null}
      </dl>
      {video ? (
        <p className="job__video" data-testid="video-url">
          Video ready: <code>{video}</code>
        </p>
      ) : null}
    </article>
  )
}

/** Several jobs watched at once over one connection, with one job's raw event log. */
export function JobsPage({ jobIds }: { jobIds: readonly string[] }) {
  const [selected, setSelected] = useState(jobIds[0] ?? '')
  useConnectionToasts(notify)
  return (
    <main className="page">
      <header className="page__header">
        <h1>Video generation jobs</h1>
        <ConnectionStatus />
      </header>
      <section className="jobs" aria-label="Jobs">
        {jobIds.map((id) => (
          <JobCard key={id} jobId={id} />
        ))}
      </section>
      {selected ? (
        <section className="log">
          <label>
            Events of{' '}
            <select value={selected} onChange={(e) => setSelected(e.target.value)}>
              {jobIds.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </label>
          <EventLog channel={jobChannel(selected)} title={`generation:${selected}`} height={280} />
        </section>
      ) : null}
      <Toaster richColors />
    </main>
  )
}
