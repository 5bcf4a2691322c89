import { type Envelope, ErrorCode, HeraldError, type PublishInput } from '@herald/protocol';
import type { StoredMsg, StreamInfo } from '@nats-io/jetstream';
import { envelopeDataJson, storedEnvelope } from '../../envelope-json.js';
import { createIsoClock } from '../clock.js';
import { closedError, firstEpoch } from '../ids.js';
import { joinsPage } from '../read-page.js';
import {
  ageCutoff,
  DEFAULT_TRIM_INTERVAL_MS,
  resolveRetention,
  type StoreRuntimeOptions,
  startTrimTimer,
} from '../retention.js';
import { carriesState } from '../state-fold.js';
import type { AppendResult, ChannelInfo, ChannelState, EventStore, RetentionOptions } from '../types.js';
import { appendToStream } from './append.js';
import { lazySession, type NatsSession } from './connection.js';
import { decodePayload, type Naming, streamName } from './naming.js';
import {
  channelInfo,
  describedChannel,
  ensureGeneration,
  ensureStream,
  isStreamNotFound,
  type StreamSettings,
} from './streams.js';

/** Options of {@link createNatsStore}. */
export interface NatsStoreOptions extends StoreRuntimeOptions {
  /** NATS server URL(s) with JetStream enabled, such as `nats://127.0.0.1:4222`. */
  readonly servers: string | string[];
  /**
   * Prefix of every channel's stream name; hubs sharing it share history.
   * @default 'HERALD_'
   */
  readonly streamPrefix?: string;
  /**
   * First token(s) of every event subject.
   * @default 'herald'
   */
  readonly subjectPrefix?: string;
  /**
   * Limits per channel, set as each stream's `max_msgs`, `max_age` and `max_bytes` (which counts whole
   * stored messages, about 100 bytes more per event than the payload).
   */
  readonly retention?: Partial<RetentionOptions>;
  /**
   * JetStream's duplicate window (capped at `maxAgeMs`). Ids are stored once past it too; the window is
   * what makes two nodes racing with one id safe.
   * @default 120000 (2 min)
   */
  readonly duplicateWindowMs?: number;
  /**
   * Replicas of each stream (a JetStream cluster needs 3 to survive losing a server).
   * @default 1
   */
  readonly replicas?: number;
}

/** A JetStream {@link EventStore}, with what its broker needs to catch up. */
export interface NatsStore extends EventStore {
  /** The subject prefix in use (the broker derives its subject from it). */
  readonly subjectPrefix: string;
  /** Channels whose stream took a message at or after `since` (server clock), with their newest seq. */
  changedSince(since: Date): Promise<{ channel: string; lastSeq: number }[]>;
}

/**
 * JetStream appends a batch message by message (no transaction spans them), so a state document could not
 * be kept in step with the events: this store refuses channel state rather than keep it wrong.
 */
function stateUnsupported(): HeraldError {
  return new HeraldError(
    ErrorCode.StateUnsupported,
    'the NATS JetStream store keeps no channel state; use the SQLite, Redis or PostgreSQL store',
  );
}

/** Parallel message reads per round of a page. */
const READ_FANOUT = 128;
/** Parallel reads in the first round of a page cut by bytes, before the events' size is known. */
const FIRST_SIZED_ROUND = 4;

/**
 * An {@link EventStore} on NATS JetStream: one file-backed stream per channel, whose sequence is the
 * channel's seq. Ids are deduplicated by JetStream (`Nats-Msg-Id`) and, past its window, by an
 * expected-last-subject-sequence of 0 on the id's own subject. Count and age retention are the stream's
 * own limits; `trim()` also applies age with this store's clock. Channel state is not supported: an append
 * carrying `state` operations and `state()` reject with `ERR_STATE_UNSUPPORTED`.
 */
export function createNatsStore(options: NatsStoreOptions): NatsStore {
  const retention = resolveRetention(options.retention);
  const now = options.now ?? Date.now;
  const isoNow = createIsoClock(now);
  const naming: Naming = {
    streamPrefix: options.streamPrefix ?? 'HERALD_',
    subjectPrefix: options.subjectPrefix ?? 'herald',
  };
  const settings: StreamSettings = {
    naming,
    retention,
    duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
    replicas: options.replicas ?? 1,
  };
  const session = lazySession(options.servers, 'herald-store');
  /** Channels whose stream this store created or checked; forgotten when the stream turns out gone. */
  const ensured = new Map<string, Promise<StreamInfo>>();
  /** The newest seq this store stored per channel: a new seq not above it means the stream was made anew. */
  const newestStored = new Map<string, number>();
  /** The prefix's generation (see `ensureGeneration`), asked again whenever a stream is created. */
  let generation: Promise<string> | undefined;
  let closed = false;

  function generationOf(s: NatsSession, fresh: boolean): Promise<string> {
    if (fresh || generation === undefined) {
      const asked = ensureGeneration(s, naming);
      generation = asked;
      asked.catch(() => {
        if (generation === asked) generation = undefined;
      });
    }
    return generation;
  }

  function assertOpen(): void {
    if (closed) throw closedError('nats store');
  }

  /** The channel's stream, created or checked once (its info as it was then: the epoch holds). */
  async function ensure(s: NatsSession, channel: string): Promise<StreamInfo> {
    let pending = ensured.get(channel);
    if (pending === undefined) {
      pending = ensureStream(s, settings, channel, (fresh) => generationOf(s, fresh));
      ensured.set(channel, pending);
      pending.catch(() => ensured.delete(channel));
    }
    return pending;
  }

  /** Runs `work` on the channel's stream, recreating it once if it was deleted behind this store's back. */
  async function onStream<T>(channel: string, work: (s: NatsSession) => Promise<T>): Promise<T> {
    const s = await session.get();
    await ensure(s, channel);
    try {
      return await work(s);
    } catch (error) {
      if (!isStreamNotFound(error) && !(error instanceof Error && error.name === 'JetStreamNotEnabled'))
        throw error;
      ensured.delete(channel);
      await ensure(s, channel);
      return work(s);
    }
  }

  /**
   * The channel's position from its stream; a channel without one (never written) is empty in the epoch its
   * first append will create the stream with, and nothing is created for it.
   */
  async function info(s: NatsSession, channel: string): Promise<ChannelInfo> {
    const name = streamName(naming, channel);
    try {
      // A stream this store has not checked yet is brought to the current limits once it is known to exist.
      if (!ensured.has(channel) && (await s.jsm.streams.info(name))) await ensure(s, channel);
      return channelInfo(await s.jsm.streams.info(name));
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
      ensured.delete(channel);
      return { epoch: firstEpoch(await generationOf(s, false), channel), lastSeq: 0, firstSeq: 1 };
    }
  }

  const stopTimer = startTrimTimer(() => store.trim(), options.trimIntervalMs ?? DEFAULT_TRIM_INTERVAL_MS);

  const store: NatsStore = {
    subjectPrefix: naming.subjectPrefix,

    async append(channel: string, inputs: readonly PublishInput[]): Promise<AppendResult> {
      assertOpen();
      if (carriesState(inputs)) throw stateUnsupported();
      const ts = isoNow();
      return onStream(channel, async (s) => {
        const before = newestStored.get(channel) ?? 0;
        const { epoch } = channelInfo(await ensure(s, channel));
        const result = await appendToStream(s, naming, channel, ts, inputs, epoch);
        const first = result.stored[0]?.seq;
        const last = result.stored.at(-1)?.seq;
        if (first === undefined || last === undefined) return result;
        newestStored.set(channel, Math.max(last, newestStored.get(channel) ?? 0));
        if (first > before) return result;
        // Seqs went back: another node made the stream anew after it was deleted. Its epoch is another.
        ensured.delete(channel);
        newestStored.set(channel, last);
        return { ...result, epoch: channelInfo(await ensure(s, channel)).epoch };
      });
    },

    async state(): Promise<ChannelState> {
      assertOpen();
      throw stateUnsupported();
    },

    async read(channel: string, afterSeq: number, limit: number, maxBytes = Number.POSITIVE_INFINITY) {
      assertOpen();
      const s = await session.get();
      const position = await info(s, channel);
      const from = Math.max(afterSeq + 1, position.firstSeq);
      const to = Math.min(position.lastSeq, from + Math.max(0, limit) - 1);
      const events: Envelope[] = [];
      const name = streamName(naming, channel);
      let used = 0;
      let full = false;
      // Messages are fetched in parallel rounds. With a byte budget, each round asks for about as many as
      // the sizes seen so far say still fit, so a page of large events is not fetched far past its end.
      for (let start = from; start <= to && !full; ) {
        let round = READ_FANOUT;
        if (Number.isFinite(maxBytes)) {
          const seen = events.length === 0 ? 0 : used / events.length;
          round = seen === 0 ? FIRST_SIZED_ROUND : Math.ceil((maxBytes - used) / seen);
          round = Math.max(1, Math.min(READ_FANOUT, round));
        }
        const seqs = Array.from({ length: Math.min(round, to - start + 1) }, (_, i) => start + i);
        start += seqs.length;
        const msgs = await Promise.all(seqs.map((seq) => s.jsm.streams.getMessage(name, { seq })));
        // A message missing here was trimmed meanwhile (always a prefix): skip it.
        for (const m of msgs) {
          if (m === null) continue;
          const event = toEnvelope(channel, m);
          const size = envelopeDataJson(event).length;
          if (!joinsPage(events.length, used, size, maxBytes)) {
            full = true;
            break;
          }
          used += size;
          events.push(event);
        }
      }
      return { info: position, events };
    },

    async info(channel: string): Promise<ChannelInfo> {
      assertOpen();
      return info(await session.get(), channel);
    },

    async trim(): Promise<void> {
      if (closed) return;
      const cutoff = ageCutoff(retention, now());
      try {
        const s = await session.get();
        for await (const stream of s.jsm.streams.list(`${naming.subjectPrefix}.>`)) {
          if (closed) return;
          const name = stream.config.name;
          if (!name.startsWith(naming.streamPrefix) || stream.state.messages === 0) continue;
          // Age by this store's clock (the stream's max_age uses the server's): the expired prefix goes.
          let keep = stream.state.first_seq;
          for (; keep <= stream.state.last_seq; keep++) {
            const m = await s.jsm.streams.getMessage(name, { seq: keep });
            if (m !== null && decodePayload(m.string()).ts >= cutoff) break;
          }
          if (keep > stream.state.first_seq) await s.jsm.streams.purge(name, { seq: keep });
        }
      } catch (error) {
        if (!closed) throw error;
      }
    },

    async changedSince(since: Date) {
      assertOpen();
      const s = await session.get();
      const changed: { channel: string; lastSeq: number }[] = [];
      for await (const stream of s.jsm.streams.list(`${naming.subjectPrefix}.>`)) {
        const { config, state } = stream;
        if (!config.name.startsWith(naming.streamPrefix) || config.description === undefined) continue;
        if (state.last_seq > 0 && new Date(state.last_ts) >= since) {
          changed.push({ channel: describedChannel(config.description), lastSeq: state.last_seq });
        }
      }
      return changed;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      stopTimer();
      await session.close();
    },
  };
  return store;
}

function toEnvelope(channel: string, m: StoredMsg): Envelope {
  const { id, ts, type, dataJson } = decodePayload(m.string());
  return storedEnvelope(channel, m.seq, id, ts, type, dataJson);
}
