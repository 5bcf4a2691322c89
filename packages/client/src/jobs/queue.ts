import { ErrorCode, HeraldError, type PublishInput, type PublishResult } from '@herald/protocol';
import { backoffDelay } from '../backoff.js';
import type { BackoffOptions } from '../types.js';
import { BatchError } from './http-batch.js';

/** An event with the id it keeps across retries. */
export type QueuedEvent = PublishInput & { readonly id: string };

/** What the queue needs: a way to post a batch, and its batching and retry policy. */
export interface QueueOptions {
  /** Posts one batch; rejects with a {@link BatchError}. */
  readonly post: (events: readonly QueuedEvent[]) => Promise<readonly PublishResult[]>;
  /** How long the first queued event waits for others to join its batch. */
  readonly lingerMs: number;
  /** Most events per request (the hub takes at most 100). */
  readonly maxBatch: number;
  readonly backoff: BackoffOptions;
  readonly random: () => number;
  /** Aborted when the publisher is closed without flushing. */
  readonly signal: AbortSignal;
  /** Told about every event that failed for good. */
  readonly onError: (error: HeraldError, event: QueuedEvent) => void;
}

interface Pending {
  readonly event: QueuedEvent;
  readonly resolve: (result: PublishResult) => void;
  readonly reject: (error: HeraldError) => void;
  /** Settles once the event is stored or refused, never rejecting (what flush waits on). */
  readonly done: Promise<HeraldError | undefined>;
  settled: boolean;
}

/** Codes about the channel or the credentials: sending the batch's events one by one cannot help. */
const WHOLE_BATCH: ReadonlySet<string> = new Set([
  ErrorCode.Unauthorized,
  ErrorCode.Forbidden,
  ErrorCode.BadChannel,
  ErrorCode.ClientClosed,
  ErrorCode.StateUnsupported,
]);

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });

/**
 * The ordered publish queue of one channel. Events go out in the order they were pushed, in batches of
 * queued events, one request at a time: a later event is never sent before an earlier one is stored or
 * refused. A batch that fails retryably is sent again as it was (same ids, so the hub stores it once); a
 * batch refused for one bad event is sent again event by event, so only that event fails.
 */
export class PublishQueue {
  private readonly queue: Pending[] = [];
  private readonly inFlight: Pending[] = [];
  private pumping = false;
  private hurry = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: QueueOptions) {}

  /** Queues `event`; resolves with its stored position, rejects with a HeraldError. */
  push(event: QueuedEvent): Promise<PublishResult> {
    if (this.options.signal.aborted)
      return Promise.reject(new HeraldError(ErrorCode.ClientClosed, 'job publisher is closed'));
    let resolve!: (result: PublishResult) => void;
    let reject!: (error: HeraldError) => void;
    const promise = new Promise<PublishResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Callers may fire and forget: their failures reach onError and flush(), not an unhandled rejection.
    promise.catch(() => {});
    const pending: Pending = {
      event,
      resolve: (result) => {
        pending.settled = true;
        resolve(result);
      },
      reject: (error) => {
        pending.settled = true;
        reject(error);
      },
      done: promise.then(
        () => undefined,
        (error: HeraldError) => error,
      ),
      settled: false,
    };
    this.queue.push(pending);
    if (this.queue.length >= this.options.maxBatch) this.wake?.();
    void this.pump();
    return promise;
  }

  /**
   * Sends what is queued without waiting for more, and resolves once every event pushed so far is stored;
   * rejects with the first error among those not yet settled when it was called.
   */
  async flush(): Promise<void> {
    const waiting = [...this.inFlight, ...this.queue].filter((p) => !p.settled).map((p) => p.done);
    this.hurry = true;
    this.wake?.();
    const errors = await Promise.all(waiting);
    const first = errors.find((e) => e !== undefined);
    if (first) throw first;
  }

  /** Rejects everything queued (the publisher was closed without flushing). */
  drop(): void {
    const error = new HeraldError(ErrorCode.ClientClosed, 'job publisher closed before this was sent');
    for (const p of this.queue.splice(0)) p.reject(error);
    this.wake?.();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.options.signal.aborted) {
        await this.linger();
        const batch = this.queue.splice(0, this.options.maxBatch);
        this.inFlight.push(...batch);
        await this.send(batch);
        this.inFlight.splice(0);
        if (this.queue.length === 0) this.hurry = false;
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Waits up to lingerMs for more events to join, unless flushed or full. */
  private async linger(): Promise<void> {
    const { lingerMs, maxBatch } = this.options;
    if (this.hurry || lingerMs <= 0 || this.queue.length >= maxBatch) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wake?.(), lingerMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async send(batch: readonly Pending[]): Promise<void> {
    const { backoff, random, signal } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        const results = await this.options.post(batch.map((p) => p.event));
        for (const [i, p] of batch.entries()) p.resolve(results[i] as PublishResult);
        return;
      } catch (err) {
        const error =
          err instanceof HeraldError ? err : new HeraldError(ErrorCode.Internal, String(err), { cause: err });
        if (!error.retryable && batch.length > 1 && !WHOLE_BATCH.has(error.code) && !signal.aborted) {
          for (const p of batch) await this.send([p]);
          return;
        }
        if (!error.retryable || attempt >= backoff.maxAttempts || signal.aborted) {
          for (const p of batch) this.fail(p, error);
          return;
        }
        const asked = err instanceof BatchError ? (err.retryAfterMs ?? 0) : 0;
        await sleep(Math.max(asked, backoffDelay(attempt, backoff, random)), signal);
      }
    }
  }

  private fail(p: Pending, error: HeraldError): void {
    p.reject(error);
    this.options.onError(error, p.event);
  }
}
