import type { JsonValue } from '../envelope.js';
import { isRecord } from '../validate.js';
import { FINAL_JOB_STATUSES, type JobState, type JobStatus, type JobStep } from './types.js';

/** A step as views show it: its name beside its fields. */
export interface JobStepView extends JobStep {
  readonly name: string;
}

/** What a progress view needs, derived once from a job document so that every view agrees. */
export interface JobView {
  readonly job: JobState;
  /** Steps in display order: the plan first (pending when not started), then others by start time. */
  readonly steps: readonly JobStepView[];
  /** Overall progress, 0 to 1: reported, else from children, else from steps; 1 once completed. */
  readonly progress: number;
  /** Whether the status is final (completed, failed or cancelled). */
  readonly isDone: boolean;
  /** The running step, if any (the last one started). */
  readonly current: JobStepView | null;
}

const STATUSES: readonly JobStatus[] = ['queued', 'running', ...FINAL_JOB_STATUSES];
const clamp = (n: number): number => Math.min(1, Math.max(0, n));
const fraction = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? clamp(v) : null;
const record = <T>(v: unknown): { readonly [key: string]: T } =>
  isRecord(v) ? (v as { [key: string]: T }) : {};

/** Reads any state document as a job, with defaults for what is missing (an empty channel is a queued job). */
export function readJob(state: JsonValue | undefined): JobState {
  const doc = isRecord(state) ? state : {};
  const status = STATUSES.includes(doc.status as JobStatus) ? (doc.status as JobStatus) : 'queued';
  return {
    ...(doc as object),
    status,
    steps: record<JobStep>(doc.steps),
    metadata: record<JsonValue>(doc.metadata),
    outputs: record<string>(doc.outputs),
    artifacts: record(doc.artifacts),
  } as JobState;
}

function stepProgress(step: JobStep | undefined): number {
  if (!step) return 0;
  if (step.status === 'completed' || step.status === 'skipped') return 1;
  return step.status === 'running' ? (fraction(step.progress) ?? 0) : 0;
}

/** Derives the ordered steps, overall progress and completion of a job document. */
export function jobView(state: JsonValue | undefined): JobView {
  const job = readJob(state);
  const plan = Array.isArray(job.plan) ? job.plan.filter((n): n is string => typeof n === 'string') : [];
  const started = Object.keys(job.steps)
    .filter((name) => !plan.includes(name))
    .sort((a, b) =>
      String(job.steps[a]?.startedAt ?? '').localeCompare(String(job.steps[b]?.startedAt ?? '')),
    );
  const steps = [...plan, ...started].map(
    (name): JobStepView => ({ status: 'pending', attempt: 0, ...job.steps[name], name }),
  );
  const children = Object.values(record<{ status?: unknown; progress?: unknown }>(job.children));
  let progress =
    fraction(job.progress) ??
    (children.length
      ? children.reduce((sum, c) => sum + (c.status === 'completed' ? 1 : (fraction(c.progress) ?? 0)), 0) /
        children.length
      : steps.length
        ? steps.reduce((sum, s) => sum + stepProgress(s), 0) / steps.length
        : 0);
  if (job.status === 'completed') progress = 1;
  const running = steps.filter((s) => s.status === 'running');
  return {
    job,
    steps,
    progress,
    isDone: FINAL_JOB_STATUSES.includes(job.status),
    current: running[running.length - 1] ?? null,
  };
}
