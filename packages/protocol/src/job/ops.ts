import type { JsonValue } from '../envelope.js';
import type { StateOp } from '../state/ops.js';
import { pointerOf } from '../state/pointer.js';
import type { JobArtifact, JobChild, JobError, StepStatus } from './types.js';

const now = (): string => new Date().toISOString();
const set = (path: string, value: JsonValue): StateOp => ({ op: 'add', path, value });
const step = (name: string, field: string) => pointerOf('steps', name, field);

/** What a step ends with. */
export interface StepEnd {
  readonly status?: Extract<StepStatus, 'completed' | 'failed' | 'skipped'>;
  readonly durationMs?: number;
  readonly message?: string;
  readonly metadata?: { readonly [key: string]: JsonValue };
}

/**
 * Builders of the state operations that write the job vocabulary ({@link JobState}). Each returns a list
 * to send as an event's `state`; times default to now, ISO 8601.
 */
export const jobOps = {
  /** Starts (or resets) the document: queued, with the planned step names and free metadata. */
  create(options: { plan?: readonly string[]; metadata?: { [key: string]: JsonValue }; at?: string } = {}) {
    const doc: { [key: string]: JsonValue } = {
      status: 'queued',
      steps: {},
      metadata: options.metadata ?? {},
      outputs: {},
      artifacts: {},
      createdAt: options.at ?? now(),
    };
    if (options.plan) doc.plan = [...options.plan];
    return [{ op: 'replace', path: '', value: doc }] satisfies StateOp[];
  },
  /** The job runs. */
  start(at: string = now()): StateOp[] {
    return [set('/status', 'running'), set('/startedAt', at)];
  },
  /** Overall progress (0 to 1), with an expected end and a line for people. */
  progress(fraction: number, options: { etaAt?: string | null; message?: string } = {}): StateOp[] {
    const ops = [set('/progress', fraction)];
    if (options.etaAt !== undefined) ops.push(set('/etaAt', options.etaAt));
    if (options.message !== undefined) ops.push(set('/message', options.message));
    return ops;
  },
  /** A step starts, or starts again (its attempt counts up and the last attempt's end is cleared). */
  stepStart(name: string, at: string = now()): StateOp[] {
    return [
      set(step(name, 'status'), 'running'),
      { op: 'increment', path: step(name, 'attempt'), value: 1 },
      set(step(name, 'startedAt'), at),
      set(step(name, 'endedAt'), null),
      set(step(name, 'durationMs'), null),
      set(step(name, 'progress'), 0),
    ];
  },
  /** Progress of the running step (0 to 1), with an optional line. */
  stepProgress(name: string, fraction: number, message?: string): StateOp[] {
    const ops = [set(step(name, 'progress'), fraction)];
    if (message !== undefined) ops.push(set(step(name, 'message'), message));
    return ops;
  },
  /** A step ends: completed unless told otherwise. */
  stepEnd(name: string, end: StepEnd = {}, at: string = now()): StateOp[] {
    const status = end.status ?? 'completed';
    const ops = [set(step(name, 'status'), status), set(step(name, 'endedAt'), at)];
    if (status === 'completed') ops.push(set(step(name, 'progress'), 1));
    if (end.durationMs !== undefined) ops.push(set(step(name, 'durationMs'), end.durationMs));
    if (end.message !== undefined) ops.push(set(step(name, 'message'), end.message));
    if (end.metadata !== undefined) ops.push(set(step(name, 'metadata'), end.metadata));
    return ops;
  },
  /** Appends text to a named output (created empty on first use). */
  append(output: string, text: string): StateOp[] {
    return [{ op: 'append', path: pointerOf('outputs', output), value: text }];
  },
  /** Sets a named output to `text`. */
  output(output: string, text: string): StateOp[] {
    return [set(pointerOf('outputs', output), text)];
  },
  /** Adds or replaces an artifact. */
  artifact(name: string, artifact: JobArtifact): StateOp[] {
    return [set(pointerOf('artifacts', name), artifact as unknown as JsonValue)];
  },
  /** Sets one key of the job's free metadata. */
  metadata(key: string, value: JsonValue): StateOp[] {
    return [set(pointerOf('metadata', key), value)];
  },
  /** Records a child job's status and progress in its parent. */
  child(channel: string, child: JobChild): StateOp[] {
    return [set(pointerOf('children', channel), child as unknown as JsonValue)];
  },
  /** The job completed with `result`. */
  complete(result: JsonValue = null, at: string = now()): StateOp[] {
    return [set('/status', 'completed'), set('/progress', 1), set('/result', result), set('/endedAt', at)];
  },
  /** The job failed. */
  fail(error: JobError, at: string = now()): StateOp[] {
    return [set('/status', 'failed'), set('/error', error as unknown as JsonValue), set('/endedAt', at)];
  },
  /** The job was cancelled. */
  cancel(at: string = now()): StateOp[] {
    return [set('/status', 'cancelled'), set('/endedAt', at)];
  },
};
