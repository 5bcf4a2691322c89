import { EMPTY_STATE, type Envelope, type JsonValue, type PublishInput } from '@herald/protocol';
import { createIsoClock } from './clock.js';
import { closedError, newEpoch, newEventId } from './ids.js';
import {
  ageCutoff,
  DEFAULT_TRIM_INTERVAL_MS,
  resolveRetention,
  type StoreRuntimeOptions,
  startTrimTimer,
} from './retention.js';
import { carriesState, encodeState, foldInput, resolveMaxStateBytes, stateField } from './state-fold.js';
import type {
  AppendedEvent,
  AppendResult,
  ChannelInfo,
  ChannelState,
  EventStore,
  RetentionOptions,
} from './types.js';

/** Options of {@link createMemoryStore} besides retention. */
export type MemoryStoreOptions = StoreRuntimeOptions;

/** One channel's history. `events[head]` is the oldest retained event; slots before `head` are dead. */
interface MemoryChannel {
  lastSeq: number;
  events: Envelope[];
  head: number;
  /** Ids of retained events → seq, for idempotent publishes. */
  readonly ids: Map<string, number>;
  /** The state document after `lastSeq` (never trimmed). */
  state: JsonValue;
}

// Dead slots are dropped in one slice once they dominate the array, so trimming stays O(1) amortised.
const COMPACT_MIN_DEAD = 1024;

/**
 * An {@link EventStore} held in process memory. History does not survive the process: every store instance
 * draws a new epoch, so clients that resume against a restarted memory hub see a reset, never wrong data.
 *
 * @param retention - Limits per channel; defaults to {@link DEFAULT_RETENTION}.
 * @param options - Clock and trim period, mostly for tests.
 */
export function createMemoryStore(
  retention?: Partial<RetentionOptions>,
  options: MemoryStoreOptions = {},
): EventStore {
  const limits = resolveRetention(retention);
  const maxStateBytes = resolveMaxStateBytes(options.maxStateBytes);
  const now = options.now ?? Date.now;
  const isoNow = createIsoClock(now);
  const epoch = newEpoch();
  const channels = new Map<string, MemoryChannel>();
  let closed = false;

  function channelOf(name: string): MemoryChannel {
    let ch = channels.get(name);
    if (ch === undefined) {
      ch = { lastSeq: 0, events: [], head: 0, ids: new Map(), state: EMPTY_STATE };
      channels.set(name, ch);
    }
    return ch;
  }

  function infoOf(ch: MemoryChannel): ChannelInfo {
    const oldest = ch.events[ch.head];
    return { epoch, lastSeq: ch.lastSeq, firstSeq: oldest === undefined ? ch.lastSeq + 1 : oldest.seq };
  }

  /** Drops the oldest events while `expired` says so. */
  function dropWhile(ch: MemoryChannel, expired: (e: Envelope) => boolean): void {
    let head = ch.head;
    const events = ch.events;
    for (let e = events[head]; e !== undefined && expired(e); e = events[++head]) ch.ids.delete(e.id);
    if (head === ch.head) return;
    if (head >= events.length) {
      ch.events = [];
      ch.head = 0;
    } else if (head >= COMPACT_MIN_DEAD && head * 2 >= events.length) {
      ch.events = events.slice(head);
      ch.head = 0;
    } else {
      ch.head = head;
    }
  }

  function trimByCount(ch: MemoryChannel): void {
    const keepFrom = ch.lastSeq - limits.maxCount + 1;
    if (ch.events.length - ch.head > limits.maxCount) dropWhile(ch, (e) => e.seq < keepFrom);
  }

  function assertOpen(): void {
    if (closed) throw closedError('memory store');
  }

  const stopTimer = startTrimTimer(() => store.trim(), options.trimIntervalMs ?? DEFAULT_TRIM_INTERVAL_MS);

  const store: EventStore = {
    async append(channel: string, inputs: readonly PublishInput[]): Promise<AppendResult> {
      assertOpen();
      const ch = channelOf(channel);
      const ts = isoNow();
      const results: AppendedEvent[] = [];
      const stored: Envelope[] = [];
      // Ids of this call, so a repeat within the batch is a duplicate before anything is committed.
      const fresh = new Map<string, number>();
      let seq = ch.lastSeq;
      let state = ch.state;
      for (const [index, input] of inputs.entries()) {
        const id = input.id ?? newEventId();
        const existing = ch.ids.get(id) ?? fresh.get(id);
        if (existing !== undefined) {
          results.push({ id, seq: existing, duplicate: true });
          continue;
        }
        // Folded before anything is stored: a refused operation leaves the channel untouched.
        state = foldInput(state, input, index, inputs.length);
        seq++;
        fresh.set(id, seq);
        // The caller's data is kept by reference: publishers hand over parsed JSON they no longer mutate.
        const envelope: Envelope = {
          channel,
          seq,
          id,
          ts,
          type: input.type,
          data: input.data,
          ...stateField(input),
        };
        stored.push(envelope);
        results.push({ id, seq, duplicate: false });
      }
      if (state !== ch.state && carriesState(inputs)) encodeState(state, maxStateBytes);
      for (const envelope of stored) {
        ch.events.push(envelope);
        ch.ids.set(envelope.id, envelope.seq);
      }
      ch.lastSeq = seq;
      ch.state = state;
      trimByCount(ch);
      return { results, stored, epoch };
    },

    async read(channel: string, afterSeq: number, limit: number) {
      assertOpen();
      const ch = channelOf(channel);
      const info = infoOf(ch);
      const start = ch.head + Math.max(0, afterSeq + 1 - info.firstSeq);
      const end = Math.min(ch.events.length, start + Math.max(0, limit));
      return { info, events: start < end ? ch.events.slice(start, end) : [] };
    },

    async info(channel: string): Promise<ChannelInfo> {
      assertOpen();
      return infoOf(channelOf(channel));
    },

    async state(channel: string): Promise<ChannelState> {
      assertOpen();
      const ch = channelOf(channel);
      return { epoch, seq: ch.lastSeq, state: ch.state };
    },

    async trim(): Promise<void> {
      if (closed) return;
      const cutoff = ageCutoff(limits, now());
      for (const ch of channels.values()) {
        trimByCount(ch);
        dropWhile(ch, (e) => e.ts < cutoff);
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      stopTimer();
      channels.clear();
    },
  };
  return store;
}
