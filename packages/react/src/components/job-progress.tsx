import type { JobStatus, JobStepView, StepStatus } from '@herald/protocol';
import { type ReactNode, useEffect, useState } from 'react';
import { type JobResult, type UseJobOptions, useJob } from '../hooks/use-job.js';
import { cx } from './cx.js';
import { formatDuration } from './event-format.js';

/** Props of {@link JobProgressView}. */
export interface JobProgressViewProps {
  /** The job to draw, from {@link useJob}. */
  readonly job: JobResult;
  /** Heading text. @default 'Job progress' */
  readonly title?: string;
  /** Extra class names for the root element. */
  readonly className?: string;
  /** "Now" in ms since the epoch, for the ETA. @default Date.now(), refreshed every second while running */
  readonly now?: number;
}

/** Props of {@link JobProgress}. */
export interface JobProgressProps extends Omit<JobProgressViewProps, 'job'>, UseJobOptions {
  /** The job's channel, such as `run:123` or `generation:g1`. */
  readonly channel: string;
}

const STEP_ICONS: Readonly<Record<StepStatus, string>> = {
  pending: '○',
  running: '◐',
  completed: '✔',
  failed: '✖',
  skipped: '⤼',
};
const STEP_LABELS: Readonly<Record<StepStatus, string>> = {
  pending: 'Pending',
  running: 'Running',
  completed: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
};
const JOB_LABELS: Readonly<Record<JobStatus, string>> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const percentOf = (fraction: number): number => Math.round(fraction * 100);

/**
 * Live progress of the job on `channel`: exactly what {@link useJob} returns, drawn by
 * {@link JobProgressView}. `onDone` is the hook's completion callback.
 */
export function JobProgress({ channel, onDone, ...view }: JobProgressProps): ReactNode {
  const job = useJob(channel, onDone ? { onDone } : {});
  return <JobProgressView {...view} job={job} />;
}

/** "Now" for the ETA: read at each render, and a render every second while `on`. */
function useSecondClock(on: boolean, fixed: number | undefined): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (fixed !== undefined || !on) return;
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [on, fixed]);
  return fixed ?? Date.now();
}

/**
 * Draws a job (the job vocabulary): its status, an accessible overall progress bar, the ETA, the steps in
 * display order with their status (icon and text, never colour alone), attempt, duration and progress (a
 * progress bar for a running step that reports one), the job's message and its error.
 */
export function JobProgressView({
  job: view,
  title = 'Job progress',
  className,
  now,
}: JobProgressViewProps): ReactNode {
  const { job, steps, progress, current } = view;
  const running = job.status === 'running';
  const clock = useSecondClock(running && typeof job.etaAt === 'string', now);
  const percent = percentOf(progress);
  const etaMs = typeof job.etaAt === 'string' ? Date.parse(job.etaAt) - clock : Number.NaN;
  const label = JOB_LABELS[job.status];
  return (
    <section
      className={cx('herald-job', `herald-job--${job.status}`, className)}
      data-status={job.status}
      aria-label={title}
      aria-busy={view.loading}
    >
      <header className="herald-job__header">
        <h3 className="herald-job__title">{title}</h3>
        <span className="herald-job__status">{label}</span>
        {running && Number.isFinite(etaMs) ? (
          <span className="herald-job__eta">About {formatDuration(Math.max(0, etaMs))} left</span>
        ) : null}
      </header>
      <div
        className="herald-job__bar"
        role="progressbar"
        aria-label={`${title}: overall`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}% ${label.toLowerCase()}`}
      >
        <span className="herald-job__bar-fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="herald-job__percent" aria-hidden="true">
        {percent}%
      </span>
      {steps.length > 0 ? (
        <ol className="herald-job__steps">
          {steps.map((step) => (
            <StepRow key={step.name} step={step} current={current?.name === step.name} title={title} />
          ))}
        </ol>
      ) : null}
      {typeof job.message === 'string' && job.message !== '' ? (
        <p className="herald-job__message">{job.message}</p>
      ) : null}
      {job.error ? (
        <p className="herald-job__error" role="alert">
          <span aria-hidden="true">✖</span> {job.error.message} ({job.error.code})
          {job.error.recoverable ? ' — can be retried' : ''}
        </p>
      ) : null}
    </section>
  );
}

function StepRow({
  step,
  current,
  title,
}: {
  step: JobStepView;
  current: boolean;
  title: string;
}): ReactNode {
  const { status, name, attempt } = step;
  const fraction = typeof step.progress === 'number' && Number.isFinite(step.progress) ? step.progress : null;
  const stepPercent = fraction === null ? null : percentOf(Math.min(1, Math.max(0, fraction)));
  return (
    <li
      className={cx('herald-job__step', `herald-job__step--${status}`)}
      data-step={name}
      data-status={status}
      data-attempt={attempt}
      aria-current={current ? 'step' : undefined}
    >
      <span className="herald-job__step-icon" aria-hidden="true">
        {STEP_ICONS[status] ?? STEP_ICONS.pending}
      </span>
      <span className="herald-job__step-name">{name}</span>
      <span className="herald-job__step-status">{STEP_LABELS[status] ?? status}</span>
      {attempt > 1 ? (
        <span className="herald-job__step-attempt" title="This step ran again">
          <span aria-hidden="true">↻</span> attempt {attempt}
        </span>
      ) : null}
      {typeof step.durationMs === 'number' ? (
        <span className="herald-job__step-duration">{formatDuration(step.durationMs)}</span>
      ) : null}
      {status === 'running' && stepPercent !== null ? (
        <span
          className="herald-job__step-bar"
          role="progressbar"
          aria-label={`${title}: ${name}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={stepPercent}
        >
          <span className="herald-job__bar-fill" style={{ width: `${stepPercent}%` }} />
        </span>
      ) : null}
      {typeof step.message === 'string' && step.message !== '' ? (
        <span className="herald-job__step-message">{step.message}</span>
      ) : null}
    </li>
  );
}
