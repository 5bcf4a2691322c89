import type {
  HeraldError,
  JobArtifact,
  JobError,
  JsonValue,
  PublishInput,
  PublishResult,
  StateOp,
  StepEnd,
} from '@herald/protocol';
import type { BackoffOptions } from '../types.js';

/** A bearer credential: a publisher API key or a connection token, or a function that returns a fresh one. */
export type JobToken = string | (() => string | Promise<string>);

/** Options of {@link createJobPublisher}. */
export interface JobPublisherOptions {
  /** The hub's base URL, such as `http://127.0.0.1:8080` (a `ws://` or `wss://` URL is read as http(s)). */
  readonly url: string;
  /**
   * Sent as `Authorization: Bearer`: a publisher key, or a token whose `pub_channels` allow the channel.
   * A function is called before every request, so a refreshed token is picked up by retries.
   * @default none (an open dev hub)
   */
  readonly token?: JobToken;
  /** The job's channel, such as `run:42` or `generation:gen_abc`. */
  readonly channel: string;
  /** Step names in display order, written by {@link JobPublisher.create}. */
  readonly plan?: readonly string[];
  /** Free metadata written by {@link JobPublisher.create}. */
  readonly metadata?: { readonly [key: string]: JsonValue };
  /**
   * How long a call waits for more calls to join its request. Calls made meanwhile (and while a request
   * is in flight) go out together, up to {@link JobPublisherOptions.maxBatch} per request, so 200 appends a
   * second cost a few dozen requests. `flush()` sends at once.
   * @default 16
   */
  readonly lingerMs?: number;
  /** Most events per request (the hub accepts at most 100). @default 100 */
  readonly maxBatch?: number;
  /**
   * Retry policy for retryable failures (rate limited, hub restarting or unreachable, timeouts): full-jitter
   * backoff, as the client's reconnects. A `Retry-After` from the hub is honoured when it is longer.
   * @default { initialMs: 250, maxMs: 10000, factor: 2, maxAttempts: 12 }
   */
  readonly retry?: Partial<Omit<BackoffOptions, 'minUptimeMs'>>;
  /** A request with no answer after this long is retried (its ids make that safe). @default 10000 */
  readonly timeoutMs?: number;
  /** Told about every event that failed for good, also those whose promise nobody awaits. @default none */
  readonly onError?: (error: HeraldError, event: PublishInput) => void;
  /** The fetch to use. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Event ids are `${idPrefix}${n}`. @default a random UUID and a dash, new per publisher */
  readonly idPrefix?: string;
}

/** Options of a child job: those of its parent, with its own plan and metadata. */
export type ChildJobOptions = Omit<JobPublisherOptions, 'channel' | 'url' | 'token' | 'fetch'> &
  Partial<Pick<JobPublisherOptions, 'url' | 'token' | 'fetch'>>;

/** What a step ends with: `completed` unless told otherwise. */
export type StepEndOptions = StepEnd;

/** The calls on one step of a job, from {@link JobPublisher.step}. */
export interface StepPublisher {
  /** The step starts, or starts again: its attempt counts up (`job.step.start`, data `{step}`). */
  start(): Promise<PublishResult>;
  /** Progress of the running step, 0 to 1, with a line for people (`job.step.progress`). */
  progress(fraction: number, message?: string): Promise<PublishResult>;
  /** The step ends (`job.step.end`, data `{step, status, ...}`). */
  end(end?: StepEndOptions): Promise<PublishResult>;
}

/** A named output that grows by appends, from {@link JobPublisher.output}. */
export interface OutputPublisher {
  /** Appends `text`, such as one LLM token (`job.output.append`, data `{output, text}`). */
  append(text: string): Promise<PublishResult>;
  /** Replaces the whole output (`job.output.set`, data `{output, text}`). */
  set(text: string): Promise<PublishResult>;
}

/** Options of {@link JobPublisher.progress}. */
export interface JobProgressOptions {
  /** ISO 8601 time the job is expected to end, or null to clear it. */
  readonly etaAt?: string | null;
  /** A line for people about the job as a whole. */
  readonly message?: string;
}

/**
 * Writes one job's state (the job vocabulary of `@herald/protocol`) to its channel over the hub's HTTP API.
 * Every call publishes one event with a readable `type` and `data` (so the event log makes sense) and the
 * `jobOps` state operations for it; it resolves with the event's `{id, seq}` once stored and rejects with
 * a `HeraldError` carrying the hub's code. Calls are sent in call order; awaiting each is not needed.
 */
export interface JobPublisher {
  /** The job's channel. */
  readonly channel: string;
  /** Starts (or resets) the job's document: queued, with the plan and metadata of the options. */
  create(): Promise<PublishResult>;
  /** The job runs (`job.start`). */
  start(): Promise<PublishResult>;
  /** Overall progress, 0 to 1 (`job.progress`, data `{progress, etaAt?, message?}`). */
  progress(fraction: number, options?: JobProgressOptions): Promise<PublishResult>;
  /** The calls on step `name`. */
  step(name: string): StepPublisher;
  /** The calls on output `name`. */
  output(name: string): OutputPublisher;
  /** Adds or replaces an artifact (`job.artifact`, data `{name, ...artifact}`). */
  artifact(name: string, artifact: JobArtifact): Promise<PublishResult>;
  /** Sets one key of the job's free metadata (`job.metadata`, data `{key, value}`). */
  metadata(key: string, value: JsonValue): Promise<PublishResult>;
  /** The job completed with `result` (`job.complete`). */
  complete(result?: JsonValue): Promise<PublishResult>;
  /** The job failed (`job.fail`, data `{error}`). */
  fail(error: JobError): Promise<PublishResult>;
  /** The job was cancelled (`job.cancel`). */
  cancel(): Promise<PublishResult>;
  /**
   * Publishes an event of the app's own vocabulary in the same order as the job's calls, with state
   * operations of its own (for example `jobOps` builders): for publishers that keep their event types.
   */
  publish(type: string, data: JsonValue, state?: readonly StateOp[]): Promise<PublishResult>;
  /**
   * A publisher for a child job on `channel`. Its status and progress are also written into this job's
   * `children/<channel>` (`job.child` events), so the parent's progress rolls up from its children.
   */
  child(channel: string, options?: ChildJobOptions): JobPublisher;
  /** Sends what is queued at once; resolves when all of it is stored, rejects with the first failure. */
  flush(): Promise<void>;
  /**
   * Flushes, then refuses further calls with `ERR_CLIENT_CLOSED`. With `{ flush: false }` what is queued
   * is dropped (rejected) and a request in flight is aborted.
   */
  close(options?: { readonly flush?: boolean }): Promise<void>;
}
