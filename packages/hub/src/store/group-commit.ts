/** The outcome of one queued job. */
export type Settled<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

/** Runs jobs submitted close together as one group. */
export interface GroupCommit<J, T> {
  /** Queues `job`; it runs with everything else queued before the next check phase of the event loop. */
  submit(job: J): Promise<T>;
  /** Runs whatever is queued now (used before closing). */
  flush(): void;
}

/**
 * Batches jobs so that a store can commit every append that arrived in one event-loop turn in a single
 * transaction: under load one commit serves many publishes, when idle a job waits only for `setImmediate`.
 * `runGroup` gets the jobs in submission order and settles each one separately.
 */
export function createGroupCommit<J, T>(runGroup: (jobs: readonly J[]) => Settled<T>[]): GroupCommit<J, T> {
  let jobs: J[] = [];
  let waiters: { resolve: (value: T) => void; reject: (error: unknown) => void }[] = [];
  let scheduled: NodeJS.Immediate | undefined;

  function flush(): void {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    if (jobs.length === 0) return;
    const group = jobs;
    const settle = waiters;
    jobs = [];
    waiters = [];
    let outcomes: Settled<T>[];
    try {
      outcomes = runGroup(group);
    } catch (error) {
      outcomes = group.map(() => ({ ok: false, error }));
    }
    for (const [i, waiter] of settle.entries()) {
      const outcome = outcomes[i] ?? { ok: false, error: new Error('group commit lost a job') };
      if (outcome.ok) waiter.resolve(outcome.value);
      else waiter.reject(outcome.error);
    }
  }

  return {
    submit(job: J): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        jobs.push(job);
        waiters.push({ resolve, reject });
        scheduled ??= setImmediate(flush);
      });
    },
    flush,
  };
}
