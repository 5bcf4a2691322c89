import { useState } from 'react'
import {
  ConnectionStatus,
  EventLog,
  RunProgressView,
  Toaster,
  toast,
  useChannelEvents,
  useConnectionToasts,
  useEvent,
  useRunProgress,
} from '@herald/react'

/** delicious-lotus' `completed` event (seed 003). */
interface CompletedData {
  video_url: string
  thumbnail_url: string
  duration: number
}

/** delicious-lotus' `error` event (seed 003). */
interface JobErrorData {
  code: string
  message: string
  recoverable: boolean
}

const jobChannel = (jobId: string) => `generation:${jobId}`

/** One generation job: progress, clips, encoding frames and, when done, the video URL. */
export function JobCard({ jobId }: { jobId: string }) {
  const channel = jobChannel(jobId)
  const job = useRunProgress(channel)
  // The package folds `progress`/`encoding_progress`/...; the app reads its own fields (video_url) itself.
  const { events } = useChannelEvents<Partial<CompletedData>>(channel)
  const done = events.findLast((e) => e.type === 'completed')
  const clips = Object.entries(job.clips)
  return (
    <article className="job" data-job={jobId} data-status={job.status} aria-label={`Job ${jobId}`}>
      <RunProgressView progress={job} title={`Job ${jobId}`} />
      <dl className="job__facts">
        <div>
          <dt>Status</dt>
          <dd>{job.jobStatus ?? 'waiting'}</dd>
        </div>
        <div>
          <dt>Clips</dt>
          <dd>
            {clips.length} of {job.totalClips ?? '?'}
          </dd>
        </div>
        {job.frames ? (
          <div>
            <dt>Encoded</dt>
            <dd>
              {job.frames.done} / {job.frames.total} frames
            </dd>
          </div>
        ) : null}
      </dl>
      {done?.data.video_url ? (
        <p className="job__video" data-testid="video-url">
          Video ready: <code>{done.data.video_url}</code>
        </p>
      ) : null}
    </article>
  )
}

/** Toasts when any watched job finishes or fails, as a side effect (no re-render). */
function JobToasts({ jobId }: { jobId: string }) {
  const channel = jobChannel(jobId)
  useEvent<CompletedData>(channel, 'completed', (e) =>
    toast({ kind: 'run-completed', title: `Job ${jobId} is ready`, description: e.data.video_url }),
  )
  useEvent<JobErrorData>(channel, 'error', (e) => {
    if (!e.data.recoverable) toast({ kind: 'run-failed', title: `Job ${jobId} failed`, description: e.data.message })
  })
  return null
}

/** Several jobs watched at once over one connection, with one job's raw event log. */
export function JobsPage({ jobIds }: { jobIds: readonly string[] }) {
  const [selected, setSelected] = useState(jobIds[0] ?? '')
  useConnectionToasts(toast)
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
      {jobIds.map((id) => (
        <JobToasts key={id} jobId={id} />
      ))}
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
      <Toaster />
    </main>
  )
}
