import { EMPTY_STATE, type Envelope, type JsonValue, type PublishInput } from '@herald/protocol';
import { attachDataJson, envelopeDataJson, inputDataJson } from '../envelope-json.js';
import { createIsoClock } from './clock.js';
import { closedError, isMintedForm, newEpoch, newEventId } from './ids.js';
import { joinsPage } from './read-page.js';
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
  /** UTF-8 bytes of each event's data JSON, parallel to `events`. */
  sizes: number[];
  head: number;
  /** Sum of the retained events' `sizes`. */
  bytes: number;
  /**
   * Supplied ids of retained events → seq, for idempotent publishes. Ids the store drew are unique by
   * construction and left out (ids.ts), as are supplied ids of their form, found by `retainedSeq`'s scan.
   */
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

  /** Created by the first append only: reads of a channel never written keep nothing. */
  function channelOf(name: string): MemoryChannel {
    let ch = channels.get(name);
    if (ch === undefined) {
      ch = { lastSeq: 0, events: [], sizes: [], head: 0, bytes: 0, ids: new Map(), state: EMPTY_STATE };
      channels.set(name, ch);
    }
    return ch;
  }

  /** The seq of the retained event with the supplied `id`, if there is one. */
  function retainedSeq(ch: MemoryChannel, id: string): number | undefined {
    if (!isMintedForm(id)) return ch.ids.get(id);
    for (let i = ch.head; i < ch.events.length; i++) {
      const event = ch.events[i] as Envelope;
      if (event.id === id) return event.seq;
    }
    return undefined;
  }

  function infoOf(ch: MemoryChannel | undefined): ChannelInfo {
    if (ch === undefined) return { epoch, lastSeq: 0, firstSeq: 1 };
    const oldest = ch.events[ch.head];
    return { epoch, lastSeq: ch.lastSeq, firstSeq: oldest === undefined ? ch.lastSeq + 1 : oldest.seq };
  }

  /** Drops the oldest events while `expired` says so. */
  function dropWhile(ch: MemoryChannel, expired: (e: Envelope, index: number) => boolean): void {
    let head = ch.head;
    const events = ch.events;
    for (let e = events[head]; e !== undefined && expired(e, head); e = events[++head]) {
      ch.ids.delete(e.id);
      ch.bytes -= ch.sizes[head] ?? 0;
    }
    if (head === ch.head) return;
    if (head >= events.length) {
      ch.events = [];
      ch.sizes = [];
      ch.head = 0;
    } else if (head >= COMPACT_MIN_DEAD && head * 2 >= events.length) {
      ch.events = events.slice(head);
      ch.sizes = ch.sizes.slice(head);
      ch.head = 0;
    } else {
      ch.head = head;
    }
  }

  /** Applies the count and byte limits (the newest event always stays). */
  function trimBySize(ch: MemoryChannel): void {
    const keepFrom = ch.lastSeq - limits.maxCount + 1;
    if (ch.events.length - ch.head > limits.maxCount) dropWhile(ch, (e) => e.seq < keepFrom);
    if (ch.bytes > limits.maxBytes) {
      const last = ch.events.length - 1;
      dropWhile(ch, (_, i) => ch.bytes > limits.maxBytes && i < last);
    }
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
      // Supplied ids of this call, so a repeat within the batch is a duplicate before anything is committed.
      const fresh = inputs.length > 1 ? new Map<string, number>() : undefined;
      let seq = ch.lastSeq;
      let state = ch.state;
      for (let index = 0; index < inputs.length; index++) {
        const input = inputs[index] as PublishInput;
        const supplied = input.id;
        if (supplied !== undefined) {
          const existing = retainedSeq(ch, supplied) ?? fresh?.get(supplied);
          if (existing !== undefined) {
            results.push({ id: supplied, seq: existing, duplicate: true });
            continue;
          }
        }
        const id = supplied ?? newEventId();
        // Folded before anything is stored: a refused operation leaves the channel untouched.
        state = foldInput(state, input, index, inputs.length, maxStateBytes);
        seq++;
        if (supplied !== undefined) fresh?.set(supplied, seq);
        // The caller's data is kept by reference: publishers hand over parsed JSON they no longer mutate.
        // Its JSON (encoded once, also for the publish path's size check) is kept for sizes and fan-out.
        const envelope: Envelope = {
          channel,
          seq,
          id,
          ts,
          type: input.type,
          data: input.data,
          ...stateField(input),
        };
        stored.push(attachDataJson(envelope, inputDataJson(input)));
        results.push({ id, seq, duplicate: false });
      }
      if (state !== ch.state && carriesState(inputs)) encodeState(state, maxStateBytes);
      for (const envelope of stored) {
        const size = Buffer.byteLength(envelopeDataJson(envelope));
        ch.events.push(envelope);
        ch.sizes.push(size);
        ch.bytes += size;
        if (!isMintedForm(envelope.id)) ch.ids.set(envelope.id, envelope.seq);
      }
      ch.lastSeq = seq;
      ch.state = state;
      trimBySize(ch);
      return { results, stored, epoch };
    },

    async read(channel: string, afterSeq: number, limit: number, maxBytes = Number.POSITIVE_INFINITY) {
      assertOpen();
      const ch = channels.get(channel);
      const info = infoOf(ch);
      if (ch === undefined) return { info, events: [] };
      const start = ch.head + Math.max(0, afterSeq + 1 - info.firstSeq);
      let end = start;
      const last = Math.min(ch.events.length, start + Math.max(0, limit));
      for (let used = 0; end < last; end++) {
        const event = ch.events[end] as Envelope;
        const size = envelopeDataJson(event).length;
        if (!joinsPage(end - start, used, size, maxBytes)) break;
        used += size;
      }
      return { info, events: start < end ? ch.events.slice(start, end) : [] };
    },

    async info(channel: string): Promise<ChannelInfo> {
      assertOpen();
      return infoOf(channels.get(channel));
    },

    async state(channel: string): Promise<ChannelState> {
      assertOpen();
      const ch = channels.get(channel);
      return { epoch, seq: ch?.lastSeq ?? 0, state: ch?.state ?? EMPTY_STATE };
    },

    async trim(): Promise<void> {
      if (closed) return;
      const cutoff = ageCutoff(limits, now());
      for (const ch of channels.values()) {
        trimBySize(ch);
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
