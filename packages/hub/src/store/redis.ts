import {
  EMPTY_STATE,
  type Envelope,
  ErrorCode,
  HeraldError,
  type JsonValue,
  type PublishInput,
} from '@herald/protocol';
import { Redis } from 'ioredis';
import { attachDataJson, inputDataJson, storedEnvelope } from '../envelope-json.js';
import { createIsoClock } from './clock.js';
import { closedError, newEpoch, newEventId } from './ids.js';
import { scripts } from './redis-scripts.js';
import {
  ageCutoff,
  DEFAULT_TRIM_INTERVAL_MS,
  resolveRetention,
  type StoreRuntimeOptions,
  startTrimTimer,
} from './retention.js';
import {
  carriesState,
  encodeState,
  foldInput,
  resolveMaxStateBytes,
  stateField,
  stateOpsJson,
} from './state-fold.js';
import type {
  AppendedEvent,
  AppendResult,
  ChannelInfo,
  ChannelState,
  EventStore,
  RetentionOptions,
} from './types.js';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions extends StoreRuntimeOptions {
  /** Redis URL, such as `redis://127.0.0.1:6379`. */
  readonly url: string;
  /**
   * Prepended to every key, so several hubs (or test runs) can share one Redis.
   * @default 'herald:'
   */
  readonly keyPrefix?: string;
  /** Limits per channel; defaults to {@link DEFAULT_RETENTION}. */
  readonly retention?: Partial<RetentionOptions>;
}

/** Default key prefix of the Redis store and broker. */
export const DEFAULT_REDIS_PREFIX = 'herald:';

/**
 * A stream entry as XRANGE returns it: `["<seq>-0", ["i", id, "t", ts, "y", type, "d", json]]`, with
 * `"s", opsJson` at the end when the event carried state operations.
 */
type StreamEntry = [string, string[]];

/** PEEK's reply: epoch, last, first, state JSON ("" when none), then the retained seq of each id (or 0). */
type PeekReply = [string, number, number, string, ...number[]];

/**
 * How often an append carrying state is tried again when another node appended to its channel between
 * reading the state and writing (appends of one node are queued per channel, so only other nodes race).
 */
const STATE_ATTEMPTS = 20;

/** The condition of a conditional append: the position the state was folded at, and the new state. */
interface Expected {
  readonly epoch: string;
  readonly last: number;
  readonly first: number;
  /** The new state JSON, or "" when the events leave it unchanged. */
  readonly stateJson: string;
}

/**
 * An {@link EventStore} in Redis, shared by every hub node that points at the same Redis and prefix.
 * Each operation is one Lua script, so appends are atomic across nodes. An append carrying state operations
 * reads the state and position in one script, folds in JS and writes on the condition that the position is
 * unchanged, retrying a bounded number of times ({@link STATE_ATTEMPTS}).
 */
export function createRedisStore(options: RedisStoreOptions): EventStore {
  const limits = resolveRetention(options.retention);
  const now = options.now ?? Date.now;
  const isoNow = createIsoClock(now);
  const prefix = options.keyPrefix ?? DEFAULT_REDIS_PREFIX;
  const channelsKey = `${prefix}channels`;
  // Count overflow is dropped in chunks; scripts hide the extra entries so the visible window stays exact.
  const slack = Math.min(256, Math.max(1, Math.floor(limits.maxCount / 8)));
  const redis = new Redis(options.url);
  // Commands fail on their own while Redis is away; the event only needs a listener so it is not fatal.
  redis.on('error', () => {});
  const maxStateBytes = resolveMaxStateBytes(options.maxStateBytes);
  let closed = false;
  /** The tail of each channel's queue of state-carrying appends on this node. */
  const stateTails = new Map<string, Promise<unknown>>();

  const keys = (channel: string) => ({
    meta: `${prefix}${channel}:m`,
    ids: `${prefix}${channel}:i`,
    events: `${prefix}${channel}:e`,
    state: `${prefix}${channel}:s`,
  });

  async function peek(channel: string, ids: readonly string[]): Promise<PeekReply> {
    const k = keys(channel);
    return (await scripts.peek.run(
      redis,
      [k.meta, k.ids, channelsKey, k.state],
      [channel, newEpoch(), limits.maxCount, ...ids],
    )) as PeekReply;
  }

  /** Runs one APPEND; resolves null when `expected` did not hold (nothing was written). */
  async function appendOnce(
    channel: string,
    inputs: readonly PublishInput[],
    ids: readonly string[],
    expected: Expected | undefined,
  ): Promise<AppendResult | null> {
    const k = keys(channel);
    const ts = isoNow();
    const datas: JsonValue[] = [];
    const jsons: string[] = [];
    const args: (string | number)[] = [
      channel,
      newEpoch(),
      ts,
      limits.maxCount,
      slack,
      expected === undefined ? '' : `${expected.epoch}:${expected.last}:${expected.first}`,
      expected?.stateJson ?? '',
      limits.maxBytes,
    ];
    for (const [i, input] of inputs.entries()) {
      const data = input.data ?? null;
      datas.push(data);
      const json = inputDataJson(input);
      jsons.push(json);
      args.push(ids[i] ?? '', input.type, json, stateOpsJson(input) ?? '');
    }
    const reply = await scripts.append.run(redis, [k.meta, k.ids, k.events, channelsKey, k.state], args);
    if (reply === 'moved') return null;
    const [epoch, ...seqs] = reply as [string, ...number[]];
    const results: AppendedEvent[] = [];
    const stored: Envelope[] = [];
    for (const [i, input] of inputs.entries()) {
      const id = ids[i] ?? '';
      const seq = seqs[i] ?? 0;
      if (seq < 0) {
        results.push({ id, seq: -seq, duplicate: true });
      } else {
        const envelope: Envelope = {
          channel,
          seq,
          id,
          ts,
          type: input.type,
          data: datas[i] ?? null,
          ...stateField(input),
        };
        stored.push(attachDataJson(envelope, jsons[i] ?? 'null'));
        results.push({ id, seq, duplicate: false });
      }
    }
    return { results, stored, epoch };
  }

  /** Reads, folds (in JS, with applyStateOps) and writes if nothing moved meanwhile; retries otherwise. */
  async function appendWithState(
    channel: string,
    inputs: readonly PublishInput[],
    ids: readonly string[],
  ): Promise<AppendResult> {
    for (let attempt = 1; attempt <= STATE_ATTEMPTS; attempt++) {
      const [epoch, last, first, stateJson, ...retained] = await peek(channel, ids);
      const before: JsonValue = stateJson === '' ? EMPTY_STATE : (JSON.parse(stateJson) as JsonValue);
      let doc = before;
      const seen = new Set<string>();
      for (const [i, input] of inputs.entries()) {
        const id = ids[i] ?? '';
        if ((retained[i] ?? 0) > 0 || seen.has(id)) continue; // a duplicate applies nothing again
        seen.add(id);
        doc = foldInput(doc, input, i, inputs.length, maxStateBytes);
      }
      const next = doc === before ? '' : encodeState(doc, maxStateBytes);
      const result = await appendOnce(channel, inputs, ids, { epoch, last, first, stateJson: next });
      if (result !== null) return result;
      // Another node appended in between: back off a little (jittered) and fold again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * attempt * 2));
    }
    throw new HeraldError(
      ErrorCode.Internal,
      `channel ${channel} kept changing during ${STATE_ATTEMPTS} attempts to apply its state; retry`,
    );
  }

  /** Queues a state-carrying append behind this node's previous ones on the channel. */
  function queueStateAppend(channel: string, run: () => Promise<AppendResult>): Promise<AppendResult> {
    const previous = stateTails.get(channel) ?? Promise.resolve();
    const result = previous.then(run);
    const tail = result.catch(() => undefined);
    stateTails.set(channel, tail);
    void tail.then(() => {
      if (stateTails.get(channel) === tail) stateTails.delete(channel);
    });
    return result;
  }

  function assertOpen(): void {
    if (closed) throw closedError('redis store');
  }

  const stopTimer = startTrimTimer(() => store.trim(), options.trimIntervalMs ?? DEFAULT_TRIM_INTERVAL_MS);

  const store: EventStore = {
    async append(channel: string, inputs: readonly PublishInput[]): Promise<AppendResult> {
      assertOpen();
      const ids = inputs.map((input) => input.id ?? newEventId());
      if (carriesState(inputs)) return queueStateAppend(channel, () => appendWithState(channel, inputs, ids));
      const result = await appendOnce(channel, inputs, ids, undefined);
      if (result === null) throw new Error('redis store: unconditional append reported a moved position');
      return result;
    },

    async state(channel: string): Promise<ChannelState> {
      assertOpen();
      const [epoch, seq, , stateJson] = await peek(channel, []);
      return { epoch, seq, state: stateJson === '' ? EMPTY_STATE : (JSON.parse(stateJson) as JsonValue) };
    },

    async read(channel: string, afterSeq: number, limit: number, maxBytes?: number) {
      assertOpen();
      const k = keys(channel);
      const [epoch, lastSeq, firstSeq, entries] = (await scripts.read.run(
        redis,
        [k.meta, k.events, channelsKey],
        [
          channel,
          newEpoch(),
          limits.maxCount,
          afterSeq,
          Math.max(0, limit),
          maxBytes !== undefined && Number.isFinite(maxBytes) ? maxBytes : -1,
        ],
      )) as [string, number, number, StreamEntry[]];
      return { info: { epoch, lastSeq, firstSeq }, events: entries.map((e) => toEnvelope(channel, e)) };
    },

    async info(channel: string): Promise<ChannelInfo> {
      assertOpen();
      const [epoch, lastSeq, firstSeq] = (await scripts.info.run(
        redis,
        [keys(channel).meta, channelsKey],
        [channel, newEpoch(), limits.maxCount],
      )) as [string, number, number];
      return { epoch, lastSeq, firstSeq };
    },

    async trim(): Promise<void> {
      if (closed) return;
      const cutoff = ageCutoff(limits, now());
      try {
        let cursor = '0';
        do {
          const [next, names] = await redis.sscan(channelsKey, cursor, 'COUNT', 200);
          cursor = next;
          await Promise.all(
            names.map((name) => {
              const k = keys(name);
              return scripts.trim.run(
                redis,
                [k.meta, k.ids, k.events],
                [cutoff, limits.maxCount, limits.maxBytes],
              );
            }),
          );
        } while (cursor !== '0' && !closed);
      } catch (error) {
        // A trim cut short by close() is not a failure: the next run (on any node) finishes the job.
        if (!closed) throw error;
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      stopTimer();
      // QUIT lets commands already sent finish before the connection closes.
      await redis.quit().catch(() => redis.disconnect());
    },
  };
  return store;
}

/** The entry's stored data JSON travels with the envelope: replay sends it as is, parsing it never. */
function toEnvelope(channel: string, [entryId, fields]: StreamEntry): Envelope {
  const seq = Number.parseInt(entryId, 10);
  const state = fields[8] === 's' ? fields[9] : undefined;
  return storedEnvelope(
    channel,
    seq,
    fields[1] ?? '',
    fields[3] ?? '',
    fields[5] ?? '',
    fields[7] ?? 'null',
    state,
  );
}
