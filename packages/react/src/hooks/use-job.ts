import type { HeraldError, JobState, JobView } from '@herald/protocol';
import { jobView } from '@herald/protocol';
import { useEffect, useMemo, useRef } from 'react';
import { useLatest } from '../internal/use-latest.js';
import { useStateSnapshot, useStateStore } from './use-channel-state.js';

/** Options of {@link useJob}. */
export interface UseJobOptions {
  /**
   * Called once when the job is done (completed, failed or cancelled), with its final state: once per job
   * for the life of the component, whatever re-renders, reconnects or fresh snapshots happen, and also
   * when the job was already done when the component mounted. A job published again (a new `createdAt`,
   * or a new epoch of the channel) is another job and is reported again.
   * @default none
   */
  readonly onDone?: (job: JobState) => void;
  /**
   * Re-render at most once per this many ms (for this hook), always ending on the job's latest state:
   * a job reporting progress 1,000 times a second draws 10 frames a second, and its final state is the
   * fold of every operation. `0` re-renders at most once per animation frame.
   * @default 100 (at most 10 renders per second per job)
   */
  readonly throttleMs?: number;
}

/** How often a job hook re-renders at most, by default: 10 times per second (seed 003). */
export const DEFAULT_JOB_THROTTLE_MS = 100;

/** What {@link useJob} returns: the job vocabulary read from the channel's state, and where it stands. */
export interface JobResult extends JobView {
  /** True until the hook holds the job's state at the channel's position. */
  readonly loading: boolean;
  /** Why the subscription (or fetching the state) failed, if it did. */
  readonly error: HeraldError | null;
}

/**
 * The job whose state `channel` carries (the job vocabulary of PROTOCOL.md, written by `jobOps` or
 * `createJobPublisher`): status, steps in display order with their attempts and progress, overall progress
 * (reported, or derived from steps or children), whether it is done, and the running step. Derived by
 * `jobView` of `@herald/protocol`, so every view of the job agrees with this hook; `<JobProgress>` draws
 * exactly this. Re-renders at most 10 times per second by default (`options.throttleMs`), always ending on
 * the latest state.
 */
export function useJob(channel: string | null, options: UseJobOptions = {}): JobResult {
  const snapshot = useStateSnapshot(useStateStore(channel), options.throttleMs ?? DEFAULT_JOB_THROTTLE_MS);
  const { state, status, error, epoch } = snapshot;
  const view = useMemo(() => jobView(state), [state]);
  const result = useMemo(
    (): JobResult => ({ ...view, loading: status === 'loading', error }),
    [view, status, error],
  );
  const onDone = useLatest(options.onDone);
  const reported = useRef(new Set<string>());
  const job = view.job;
  useEffect(() => {
    if (!view.isDone || channel === null || status === 'loading') return;
    const key = `${channel}\u0000${epoch ?? ''}\u0000${job.createdAt ?? ''}`;
    if (reported.current.has(key)) return;
    reported.current.add(key);
    onDone.current?.(job);
  }, [view.isDone, channel, status, epoch, job, onDone]);
  return result;
}
