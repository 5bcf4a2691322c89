import { EMPTY_STATE, type Envelope, HeraldError, type JsonValue, type PublishInput } from '@herald/protocol';
import { DEFAULT_DURABILITY, sqliteSynchronous } from '../durability.js';
import { attachDataJson, inputDataJson, storedEnvelope } from '../envelope-json.js';
import { createIsoClock } from './clock.js';
import { createGroupCommit, type Settled } from './group-commit.js';
import { closedError, firstEpoch, isMintedForm, newEpoch, newEventId } from './ids.js';
import { joinsPage } from './read-page.js';
import {
  ageCutoff,
  bytesOverflow,
  countWindowStart,
  DEFAULT_TRIM_INTERVAL_MS,
  resolveRetention,
  type StoreRuntimeOptions,
  startTrimTimer,
} from './retention.js';
import { startCheckpointer } from './sqlite-checkpointer.js';
import { databaseGeneration, type EventRow, openDatabase, prepareStatements } from './sqlite-schema.js';
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

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions extends StoreRuntimeOptions {
  /** Data directory; created if missing. The database is `<dir>/herald.db`. One hub process per directory. */
  readonly dir: string;
  /** Limits per channel; defaults to {@link DEFAULT_RETENTION}. */
  readonly retention?: Partial<RetentionOptions>;
}

/**
 * Cached position of a channel. Stored rows always form the contiguous range `[storedFirst, lastSeq]`
 * because rows are only added at the end and only removed from the front.
 */
interface ChannelCache {
  readonly epoch: string;
  lastSeq: number;
  /** Oldest seq still on disk, or `lastSeq + 1` when none. May lag the count window (see `slack`). */
  storedFirst: number;
  /**
   * The parsed state document after `lastSeq`, loaded on first need and then kept, so an append folds into
   * it without parsing the stored JSON again.
   */
  doc: JsonValue | undefined;
  /**
   * UTF-8 bytes of the data of the rows on disk (for `retention.maxBytes`), summed on the first append
   * that needs it and then kept up to date.
   */
  bytes: number | undefined;
}

/** One queued `append` call. */
interface AppendJob {
  readonly channel: string;
  readonly inputs: readonly PublishInput[];
}

/**
 * A durable {@link EventStore} in SQLite (WAL mode). A restart on the same directory keeps every channel's
 * epoch, seqs and retained history. A batch is stored in one transaction; appends arriving in the same
 * event-loop turn share one commit (group commit), which matters when many publishers are active.
 */
export function createSqliteStore(options: SqliteStoreOptions): EventStore {
  const limits = resolveRetention(options.retention);
  const now = options.now ?? Date.now;
  const isoNow = createIsoClock(now);
  const db = openDatabase(options.dir, options.durability);
  const stopCheckpointer = startCheckpointer(db, sqliteSynchronous(options.durability ?? DEFAULT_DURABILITY));
  const sql = prepareStatements(db);
  const generation = databaseGeneration(db, newEpoch());
  const maxStateBytes = resolveMaxStateBytes(options.maxStateBytes);
  const cache = new Map<string, ChannelCache>();
  /** State JSON to write when the running transaction ends: each channel's state is written once. */
  const dirtyStates = new Map<string, string>();
  // Deleting the count overflow on every append costs a statement per publish once a channel is full, so
  // it is deleted in chunks; reads and info hide the few extra rows, keeping the visible window exact.
  const slack = Math.min(256, Math.max(1, Math.floor(limits.maxCount / 8)));
  let closed = false;

  /**
   * The channel's cached position, loaded from its row; a channel without one (never written) gets a
   * position that is neither stored nor cached, so reads of any number of unknown names leave nothing.
   */
  function peekState(channel: string): ChannelCache {
    const cached = cache.get(channel);
    if (cached !== undefined) return cached;
    const row = sql.selectChannel.get(channel);
    if (row === undefined) {
      return {
        epoch: firstEpoch(generation, channel),
        lastSeq: 0,
        storedFirst: 1,
        doc: EMPTY_STATE,
        bytes: 0,
      };
    }
    const min = sql.minSeq.get(channel);
    const state: ChannelCache = {
      epoch: row.epoch,
      lastSeq: row.last_seq,
      storedFirst: min ?? row.last_seq + 1,
      doc: undefined,
      bytes: undefined,
    };
    cache.set(channel, state);
    return state;
  }

  /** The channel's position for an append: its row is created (with the epoch reads reported) if missing. */
  function stateOf(channel: string): ChannelCache {
    const state = peekState(channel);
    if (!cache.has(channel)) {
      sql.insertChannel.run(channel, state.epoch);
      cache.set(channel, state);
    }
    return state;
  }

  function bytesOf(channel: string, state: ChannelCache): number {
    state.bytes ??= sql.payloadBytes.get(channel, state.storedFirst, state.lastSeq + 1) ?? 0;
    return state.bytes;
  }

  function docOf(channel: string, state: ChannelCache): JsonValue {
    if (state.doc === undefined) {
      const json = sql.selectState.get(channel);
      state.doc = json === undefined ? EMPTY_STATE : (JSON.parse(json) as JsonValue);
    }
    return state.doc;
  }

  /** Oldest seq clients may see: what is on disk, cut to the count limit. */
  function visibleFirst(state: ChannelCache): number {
    return Math.max(state.storedFirst, countWindowStart(limits, state.lastSeq));
  }

  function infoOf(state: ChannelCache): ChannelInfo {
    return { epoch: state.epoch, lastSeq: state.lastSeq, firstSeq: visibleFirst(state) };
  }

  /**
   * Appends leave `channels.last_seq` behind (one statement and one page less per publish): the newest row
   * holds the channel's last seq. Only a delete can take that row away, so every delete also writes
   * last_seq, in the same transaction (and close writes it for every channel it knows).
   */
  function deleteBefore(channel: string, state: ChannelCache, seq: number): void {
    if (state.storedFirst >= seq) return;
    if (state.bytes !== undefined) state.bytes -= sql.payloadBytes.get(channel, state.storedFirst, seq) ?? 0;
    sql.updateLastSeq.run(state.lastSeq, channel);
    sql.deleteBefore.run(channel, seq);
    state.storedFirst = seq;
  }

  /** Drops the oldest rows while the channel holds more than `retention.maxBytes` (the newest stays). */
  function trimBytes(channel: string, state: ChannelCache): void {
    const total = bytesOf(channel, state);
    if (total <= limits.maxBytes) return;
    const count = state.lastSeq - state.storedFirst + 1;
    const sizes = sql.payloadSizes.iterate(channel, state.storedFirst - 1, count);
    const drop = bytesOverflow(
      total,
      count,
      limits.maxBytes,
      (function* () {
        for (const [, size] of sizes) yield size;
      })(),
    );
    if (drop > 0) deleteBefore(channel, state, state.storedFirst + drop);
  }

  // Nested inside groupTx, so it runs as a SAVEPOINT: a publish whose state operations are refused rolls
  // back alone, while the other publishes of the group commit.
  const stateJobTx = db.transaction((channel: string, state: ChannelCache, inputs: readonly PublishInput[]) =>
    appendRows(channel, state, inputs),
  );

  function runJob({ channel, inputs }: AppendJob): Settled<AppendResult> {
    const state = stateOf(channel);
    if (!carriesState(inputs)) return { ok: true, value: appendRows(channel, state, inputs) };
    const saved = {
      lastSeq: state.lastSeq,
      storedFirst: state.storedFirst,
      doc: state.doc,
      bytes: state.bytes,
    };
    try {
      return { ok: true, value: stateJobTx(channel, state, inputs) };
    } catch (error) {
      Object.assign(state, saved);
      if (error instanceof HeraldError) return { ok: false, error };
      throw error;
    }
  }

  const groupTx = db.transaction((jobs: readonly AppendJob[]) => {
    const outcomes = jobs.map(runJob);
    for (const [channel, json] of dirtyStates) sql.upsertState.run(channel, json);
    return outcomes;
  });

  function commitGroup(jobs: readonly AppendJob[]): Settled<AppendResult>[] {
    try {
      return groupTx.immediate(jobs);
    } finally {
      dirtyStates.clear();
    }
  }

  /** After a rollback the cache may be ahead of the disk: forget it so it reloads. */
  function forget(jobs: readonly AppendJob[]): void {
    for (const job of jobs) cache.delete(job.channel);
  }

  const appends = createGroupCommit<AppendJob, AppendResult>((jobs) => {
    if (jobs.length > 1) {
      try {
        return commitGroup(jobs);
      } catch {
        // Some batch failed (unserialisable data, disk error): retry one by one so it fails alone.
        forget(jobs);
      }
    }
    return jobs.map((job): Settled<AppendResult> => {
      try {
        return commitGroup([job])[0] ?? { ok: false, error: new Error('sqlite store lost a job') };
      } catch (error) {
        forget([job]);
        return { ok: false, error };
      }
    });
  });

  function appendRows(channel: string, state: ChannelCache, inputs: readonly PublishInput[]): AppendResult {
    const ts = isoNow();
    const results: AppendedEvent[] = [];
    const stored: Envelope[] = [];
    const withState = carriesState(inputs);
    let doc = withState ? docOf(channel, state) : undefined;
    let bytes = bytesOf(channel, state);
    for (const [index, input] of inputs.entries()) {
      const id = input.id ?? newEventId();
      const data: JsonValue = input.data ?? null;
      const seq = state.lastSeq + 1;
      const json = inputDataJson(input);
      const opsJson = withState ? stateOpsJson(input) : null;
      // The id index leaves out ids of the drawn form (sqlite-schema.ts): a publisher's id of that form is
      // looked up among the visible rows, and its insert cannot conflict.
      const scanned = input.id !== undefined && isMintedForm(id);
      const earlier = scanned ? sql.seqByIdScan.get(channel, visibleFirst(state), id) : undefined;
      if (earlier !== undefined) {
        results.push({ id, seq: earlier, duplicate: true });
        continue;
      }
      if (sql.insertEvent.run(channel, seq, id, ts, input.type, json, opsJson).changes === 0) {
        const existing = sql.seqById.get(channel, id);
        const windowStart = visibleFirst(state);
        if (existing !== undefined && existing >= windowStart) {
          results.push({ id, seq: existing, duplicate: true });
          continue;
        }
        // The id belongs to a row that is already outside the window: drop it for real and store anew.
        deleteBefore(channel, state, windowStart);
        if (sql.insertEvent.run(channel, seq, id, ts, input.type, json, opsJson).changes === 0) {
          throw new Error(`sqlite store: event id ${id} conflicts in ${channel} but is not found`);
        }
      }
      // A refused operation throws here, and the caller's savepoint drops the rows already inserted.
      if (doc !== undefined) doc = foldInput(doc, input, index, inputs.length, maxStateBytes);
      state.lastSeq = seq;
      bytes += Buffer.byteLength(json);
      const envelope = { channel, seq, id, ts, type: input.type, data, ...stateField(input) };
      stored.push(attachDataJson(envelope, json));
      results.push({ id, seq, duplicate: false });
    }
    if (doc !== undefined && doc !== state.doc) {
      dirtyStates.set(channel, encodeState(doc, maxStateBytes));
      state.doc = doc;
    }
    if (stored.length > 0) {
      state.bytes = bytes;
      const windowStart = countWindowStart(limits, state.lastSeq);
      if (windowStart - state.storedFirst >= slack) deleteBefore(channel, state, windowStart);
      trimBytes(channel, state);
    }
    return { results, stored, epoch: state.epoch };
  }

  const trimTx = db.transaction((cutoff: string) => {
    for (const { name, last_seq: lastSeq } of sql.allChannels.all()) {
      const state = cache.get(name);
      const keepFrom = Math.max(
        countWindowStart(limits, lastSeq),
        sql.firstNotOlderThan.get(name, cutoff) ?? lastSeq + 1,
      );
      if (state !== undefined) {
        deleteBefore(name, state, keepFrom);
      } else if (sql.deleteBefore.run(name, keepFrom).changes > 0) {
        sql.updateLastSeq.run(lastSeq, name);
      }
    }
  });

  const persistLastSeqs = db.transaction(() => {
    for (const [channel, state] of cache) sql.updateLastSeq.run(state.lastSeq, channel);
  });

  function assertOpen(): void {
    if (closed) throw closedError('sqlite store');
  }

  const stopTimer = startTrimTimer(() => store.trim(), options.trimIntervalMs ?? DEFAULT_TRIM_INTERVAL_MS);

  const store: EventStore = {
    // Not async: the group commit's own promise is the answer, without one more promise to adopt it.
    append(channel: string, inputs: readonly PublishInput[]): Promise<AppendResult> {
      if (closed) return Promise.reject(closedError('sqlite store'));
      return appends.submit({ channel, inputs });
    },

    async read(channel: string, afterSeq: number, limit: number, maxBytes = Number.POSITIVE_INFINITY) {
      assertOpen();
      const state = peekState(channel);
      const info = infoOf(state);
      const events: Envelope[] = [];
      if (limit <= 0 || state.lastSeq === 0) return { info, events };
      // Rows are taken one by one, so a page cut by bytes reads at most one row past its end.
      let used = 0;
      for (const row of sql.readAfter.iterate(channel, Math.max(afterSeq, info.firstSeq - 1), limit)) {
        const size = row[4].length;
        if (!joinsPage(events.length, used, size, maxBytes)) break;
        used += size;
        events.push(toEnvelope(channel, row));
      }
      return { info, events };
    },

    async info(channel: string): Promise<ChannelInfo> {
      assertOpen();
      return infoOf(peekState(channel));
    },

    async state(channel: string): Promise<ChannelState> {
      assertOpen();
      const state = peekState(channel);
      return { epoch: state.epoch, seq: state.lastSeq, state: docOf(channel, state) };
    },

    async trim(): Promise<void> {
      if (closed) return;
      trimTx.immediate(ageCutoff(limits, now()));
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      stopTimer();
      appends.flush();
      await stopCheckpointer();
      try {
        // At rest channels.last_seq is exact again, for anything reading the file without this rule.
        persistLastSeqs();
        cache.clear();
        // Fold the WAL into the main file so the directory is a single self-contained database at rest.
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
    },
  };
  return store;
}

/** The row's stored data JSON travels with the envelope: replay sends it as is, parsing it never. */
function toEnvelope(channel: string, [seq, id, ts, type, data, state]: EventRow): Envelope {
  return storedEnvelope(channel, seq, id, ts, type, data, state);
}
