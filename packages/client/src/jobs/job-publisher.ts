import {
  applyStateOps,
  EMPTY_STATE,
  ErrorCode,
  HeraldError,
  type JobStatus,
  type JsonValue,
  jobOps,
  jobView,
  type PublishResult,
  type StateOp,
} from '@herald/protocol';
import { resolveUrls } from '../urls.js';
import { postBatch } from './http-batch.js';
import { PublishQueue } from './queue.js';
import type { ChildJobOptions, JobPublisher, JobPublisherOptions } from './types.js';

const DEFAULT_RETRY = { initialMs: 250, maxMs: 10_000, factor: 2, maxAttempts: 12 };

let fallbackIds = 0;
/** A prefix unique to this publisher, so its ids never meet another's. */
const newPrefix = (): string =>
  `${
    globalThis.crypto?.randomUUID?.() ??
    `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${++fallbackIds}`
  }-`;

/** A child's link to its parent: where it reports to (`children/<channel>`), and the parent's flush. */
interface Parent {
  readonly report: (status: JobStatus, progress: number) => void;
  readonly flush: () => Promise<void>;
}

const closedError = () => new HeraldError(ErrorCode.ClientClosed, 'job publisher is closed');
const notFraction = (what: string, n: number) =>
  new HeraldError(ErrorCode.BadMessage, `${what} must be a finite number from 0 to 1, got ${n}`);
const isFraction = (n: number) => Number.isFinite(n) && n >= 0 && n <= 1;

/**
 * Creates a publisher of one job's state on `options.channel`, over the hub's HTTP API
 * (`POST /v1/channels/{channel}/events`). Works in Node 20 and browsers (it needs `fetch`).
 *
 * @example
 * ```ts
 * const job = createJobPublisher({ url: 'http://127.0.0.1:8080', token: KEY, channel: 'run:42', plan: ['PLAN', 'LYRICS'] });
 * await job.create();
 * job.start();
 * const lyrics = job.step('LYRICS');
 * lyrics.start();
 * for await (const token of llm) job.output('lyrics').append(token);
 * lyrics.end({ status: 'completed' });
 * job.complete({ title: 'Neon Rain' });
 * await job.close();
 * ```
 */
export function createJobPublisher(options: JobPublisherOptions): JobPublisher {
  return build(options, undefined);
}

function build(options: JobPublisherOptions, parent: Parent | undefined): JobPublisher {
  const { channel } = options;
  const base = resolveUrls(options.url).http;
  const url = `${base}/v1/channels/${encodeURIComponent(channel)}/events`;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const closer = new AbortController();
  const prefix = options.idPrefix ?? newPrefix();
  let count = 0;
  let closed = false;
  const queue = new PublishQueue({
    post: async (events) =>
      postBatch(
        {
          url,
          token: typeof options.token === 'function' ? await options.token() : options.token,
          fetch: fetchImpl,
          timeoutMs: options.timeoutMs ?? 10_000,
          signal: closer.signal,
        },
        events,
      ),
    lingerMs: options.lingerMs ?? 16,
    maxBatch: Math.max(1, Math.min(100, options.maxBatch ?? 100)),
    backoff: { ...DEFAULT_RETRY, ...options.retry, minUptimeMs: 0 },
    random: Math.random,
    signal: closer.signal,
    onError: (error, event) => options.onError?.(error, event),
  });

  // A child mirrors its own document (with the one fold, applyStateOps) so it can report the status and
  // progress that jobView derives, exactly as views of its channel will show them.
  let mirror: JsonValue = EMPTY_STATE;
  let reported = '';
  const rollUp = (ops: readonly StateOp[], stored: Promise<PublishResult>): void => {
    if (!parent) return;
    const applied = applyStateOps(mirror, ops);
    if (applied.ok) mirror = applied.state;
    const view = jobView(mirror);
    const key = `${view.job.status}:${view.progress}`;
    if (key === reported) return;
    reported = key;
    // Reported once the child's own event is stored, so the parent never shows what the child has not.
    stored.then(
      () => parent.report(view.job.status, view.progress),
      () => {},
    );
  };

  const publish = (type: string, data: JsonValue, state?: readonly StateOp[]): Promise<PublishResult> => {
    if (closed) return Promise.reject(closedError());
    const event = { id: `${prefix}${++count}`, type, data, ...(state ? { state } : {}) };
    const stored = queue.push(event);
    if (state) rollUp(state, stored);
    return stored;
  };
  const job = (type: string, data: { [key: string]: JsonValue }, state: readonly StateOp[]) =>
    publish(`job.${type}`, data, state);

  const children: JobPublisher[] = [];
  const self: JobPublisher = {
    channel,
    create: () => {
      const data: { [key: string]: JsonValue } = {};
      if (options.plan) data.plan = [...options.plan];
      if (options.metadata) data.metadata = { ...options.metadata };
      return job(
        'create',
        data,
        jobOps.create({
          ...(options.plan ? { plan: options.plan } : {}),
          ...(options.metadata ? { metadata: { ...options.metadata } } : {}),
        }),
      );
    },
    start: () => job('start', {}, jobOps.start()),
    progress: (fraction, more = {}) => {
      if (!isFraction(fraction)) return Promise.reject(notFraction('progress', fraction));
      const data: { [key: string]: JsonValue } = { progress: fraction };
      if (more.etaAt !== undefined) data.etaAt = more.etaAt;
      if (more.message !== undefined) data.message = more.message;
      return job('progress', data, jobOps.progress(fraction, more));
    },
    step: (step) => ({
      start: () => job('step.start', { step }, jobOps.stepStart(step)),
      progress: (fraction, message) =>
        !isFraction(fraction)
          ? Promise.reject(notFraction(`step ${step} progress`, fraction))
          : job(
              'step.progress',
              message === undefined ? { step, progress: fraction } : { step, progress: fraction, message },
              jobOps.stepProgress(step, fraction, message),
            ),
      end: (end = {}) =>
        job(
          'step.end',
          { step, status: end.status ?? 'completed', ...(end as { [key: string]: JsonValue }) },
          jobOps.stepEnd(step, end),
        ),
    }),
    output: (output) => ({
      append: (text) => job('output.append', { output, text }, jobOps.append(output, text)),
      set: (text) => job('output.set', { output, text }, jobOps.output(output, text)),
    }),
    artifact: (name, artifact) =>
      job(
        'artifact',
        { name, ...(artifact as unknown as { [key: string]: JsonValue }) },
        jobOps.artifact(name, artifact),
      ),
    metadata: (key, value) => job('metadata', { key, value }, jobOps.metadata(key, value)),
    complete: (result = null) => job('complete', { result }, jobOps.complete(result)),
    fail: (error) => job('fail', { error: { ...error } }, jobOps.fail(error)),
    cancel: () => job('cancel', {}, jobOps.cancel()),
    publish,
    child: (childChannel, childOptions: ChildJobOptions = {}) => {
      const { plan, metadata, ...inherited } = options;
      const child = build(
        { ...inherited, ...childOptions, channel: childChannel },
        {
          report: (status, progress) => {
            const summary = { status, progress };
            void job('child', { channel: childChannel, ...summary }, jobOps.child(childChannel, summary));
          },
          flush: () => queue.flush(),
        },
      );
      children.push(child);
      return child;
    },
    // A child's flush also flushes its parent, so the rolled-up summary is stored when it resolves.
    flush: async () => {
      await queue.flush();
      await parent?.flush();
    },
    close: async ({ flush = true } = {}) => {
      if (closed) return;
      closed = true;
      try {
        if (flush) {
          await Promise.allSettled(children.map((c) => c.flush()));
          await queue.flush();
        }
      } finally {
        queue.drop();
        closer.abort();
      }
    },
  };
  return self;
}
