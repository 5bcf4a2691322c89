import type { Envelope, JsonValue, PublishInput } from '@herald/protocol';
import { Redis } from 'ioredis';
import { attachDataJson, storedEnvelope } from '../envelope-json.js';
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
import type { AppendedEvent, AppendResult, ChannelInfo, EventStore, RetentionOptions } from './types.js';

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

/** A stream entry as XRANGE returns it: `["<seq>-0", ["i", id, "t", ts, "y", type, "d", json]]`. */
type StreamEntry = [string, string[]];

/**
 * An {@link EventStore} in Redis, shared by every hub node that points at the same Redis and prefix.
 * Each operation is one Lua script, so appends are atomic across nodes.
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
  let closed = false;

  const keys = (channel: string) => ({
    meta: `${prefix}${channel}:m`,
    ids: `${prefix}${channel}:i`,
    events: `${prefix}${channel}:e`,
  });

  function assertOpen(): void {
    if (closed) throw closedError('redis store');
  }

  const stopTimer = startTrimTimer(() => store.trim(), options.trimIntervalMs ?? DEFAULT_TRIM_INTERVAL_MS);

  const store: EventStore = {
    async append(channel: string, inputs: readonly PublishInput[]): Promise<AppendResult> {
      assertOpen();
      const k = keys(channel);
      const ts = isoNow();
      const ids: string[] = [];
      const datas: JsonValue[] = [];
      const jsons: string[] = [];
      const args: (string | number)[] = [channel, newEpoch(), ts, limits.maxCount, slack];
      for (const input of inputs) {
        const id = input.id ?? newEventId();
        const data = input.data ?? null;
        ids.push(id);
        datas.push(data);
        const json = JSON.stringify(data);
        jsons.push(json);
        args.push(id, input.type, json);
      }
      const seqs = (await scripts.append.run(
        redis,
        [k.meta, k.ids, k.events, channelsKey],
        args,
      )) as number[];
      const results: AppendedEvent[] = [];
      const stored: Envelope[] = [];
      for (const [i, input] of inputs.entries()) {
        const id = ids[i] ?? '';
        const seq = seqs[i] ?? 0;
        if (seq < 0) {
          results.push({ id, seq: -seq, duplicate: true });
        } else {
          const envelope: Envelope = { channel, seq, id, ts, type: input.type, data: datas[i] ?? null };
          stored.push(attachDataJson(envelope, jsons[i] ?? 'null'));
          results.push({ id, seq, duplicate: false });
        }
      }
      return { results, stored };
    },

    async read(channel: string, afterSeq: number, limit: number) {
      assertOpen();
      const k = keys(channel);
      const [epoch, lastSeq, firstSeq, entries] = (await scripts.read.run(
        redis,
        [k.meta, k.events, channelsKey],
        [channel, newEpoch(), limits.maxCount, afterSeq, Math.max(0, limit)],
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
              return scripts.trim.run(redis, [k.meta, k.ids, k.events], [cutoff, limits.maxCount]);
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
  return storedEnvelope(channel, seq, fields[1] ?? '', fields[3] ?? '', fields[5] ?? '', fields[7] ?? 'null');
}
