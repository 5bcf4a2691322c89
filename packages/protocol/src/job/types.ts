import type { JsonValue } from '../envelope.js';

/** Where a job stands. `completed`, `failed` and `cancelled` are final. */
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** Where one step stands. */
export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';

/** One step of a job (a workflow node, a clip, an encoding pass). */
export interface JobStep {
  readonly status: StepStatus;
  /** How many times the step has started: 2 for a VALIDATE re-run after a FIX. */
  readonly attempt: number;
  /** ISO 8601 start of the current attempt. */
  readonly startedAt?: string | null;
  /** ISO 8601 end of the current attempt, null while it runs. */
  readonly endedAt?: string | null;
  /** Duration of the current attempt in milliseconds, once ended. */
  readonly durationMs?: number | null;
  /** Progress of the current attempt, 0 to 1. */
  readonly progress?: number | null;
  /** A line for people: what the step is doing, or why it failed. */
  readonly message?: string | null;
  /** Free data of the step: scores, metrics, issues. */
  readonly metadata?: { readonly [key: string]: JsonValue };
}

/** Something a job produced that a person can open. */
export interface JobArtifact {
  /** Where it is. */
  readonly url: string;
  /** What it is, e.g. `audio`, `video`, `image`, `text`. */
  readonly kind?: string;
  /** A display name. */
  readonly label?: string;
  /** Free data: duration, size, clip id. */
  readonly metadata?: { readonly [key: string]: JsonValue };
}

/** Why a job failed. */
export interface JobError {
  /** A stable code of the app's, e.g. `RENDER_TIMEOUT`. */
  readonly code: string;
  readonly message: string;
  /** Whether trying the job again may succeed. */
  readonly recoverable: boolean;
}

/** A child job as its parent sees it (the child publishes this into the parent's state). */
export interface JobChild {
  readonly status: JobStatus;
  readonly progress?: number | null;
}

/**
 * The job vocabulary: a convention for a channel's state document that progress views read. Publishers
 * write it with the operations of `jobOps` (or plain state operations on the same paths); PROTOCOL.md
 * ("Job vocabulary") lists every path.
 */
export interface JobState {
  readonly status: JobStatus;
  /** Step names in the order they are shown; steps not listed follow in the order they started. */
  readonly plan?: readonly string[];
  readonly steps: { readonly [name: string]: JobStep };
  /** Overall progress, 0 to 1, when the publisher reports it; otherwise derived from steps or children. */
  readonly progress?: number | null;
  /** ISO 8601 time the job is expected to end. */
  readonly etaAt?: string | null;
  /** A line for people about the job as a whole. */
  readonly message?: string | null;
  /** Free data of the job. */
  readonly metadata: { readonly [key: string]: JsonValue };
  /** Named text outputs that grow by appends (streamed LLM tokens, logs). */
  readonly outputs: { readonly [name: string]: string };
  readonly artifacts: { readonly [name: string]: JobArtifact };
  /** Child jobs by their channel, rolled up into this job's derived progress. */
  readonly children?: { readonly [channel: string]: JobChild };
  /** What a completed job returned. */
  readonly result?: JsonValue;
  readonly error?: JobError | null;
  readonly createdAt?: string;
  readonly startedAt?: string | null;
  readonly endedAt?: string | null;
}

/** Statuses after which a job changes no more. */
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
