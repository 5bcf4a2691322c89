import { randomUUID } from 'node:crypto';
import { EMPTY_STATE, type Envelope, type JsonValue, type PublishInput } from '@herald/protocol';
import { Pool, type PoolClient } from 'pg';
import { storedEnvelope } from '../../envelope-json.js';
import { createIsoClock } from '../clock.js';
import { closedError, firstEpoch } from '../ids.js';
import {
  ageCutoff,
  DEFAULT_TRIM_INTERVAL_MS,
  resolveRetention,
  type StoreRuntimeOptions,
  startTrimTimer,
} from '../retention.js';
import { resolveMaxStateBytes } from '../state-fold.js';
import type { AppendResult, ChannelInfo, ChannelState, EventStore, RetentionOptions } from '../types.js';
import { type AppendContext, appendLocked } from './append.js';
import { migrate, quoteIdent } from './schema.js';
import { statements } from './sql.js';

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions extends StoreRuntimeOptions {
  /** Connection string, such as `postgres://herald@db.internal:5432/herald`. */
  readonly url: string;
  /**
   * PostgreSQL schema holding the hub's tables; hubs that share a schema share history.
   * @default 'herald'
   */
  readonly schema?: string;
  /** Limits per channel; defaults to {@link DEFAULT_RETENTION}. */
  readonly retention?: Partial<RetentionOptions>;
  /**
   * Most connections this node opens (appends hold one for their transaction).
   * @default 10
   */
  readonly poolSize?: number;
  /**
   * Send a NOTIFY with each append's position (in its transaction), for {@link createPostgresBroker} on
   * other nodes. Turn it off for a single node with the in-process broker.
   * @default true
   */
  readonly notify?: boolean;
}

/** A PostgreSQL {@link EventStore}, with what its broker needs to share it. */
export interface PostgresStore extends EventStore {
  /** Resolves once the tables exist and are at this hub's schema version; rejects if migration failed. */
  ready(): Promise<void>;
  /** Tags this store's notifications, so a broker on the same node skips its own. */
  readonly origin: string;
  /** The LISTEN/NOTIFY channel appends notify on. */
  readonly topic: string;
  /** The schema holding the tables. */
  readonly schema: string;
  /** Channels written since `since` (database clock) and their newest seq. */
  changedSince(since: Date): Promise<{ channel: string; lastSeq: number }[]>;
}

/** Error codes after which the whole transaction is worth running again. */
const RETRYABLE = new Set(['40001', '40P01', '23505']);

interface ReadRow {
  epoch: string;
  last_seq: string;
  first_seq: string;
  seq: string | null;
  id: string;
  ts: Date;
  type: string;
  data: string;
  state: string | null;
}

/**
 * An {@link EventStore} in PostgreSQL, shared by every hub node pointing at the same database and schema.
 * The hub creates and migrates its tables itself. Appends lock the channel's row, so seqs stay gapless
 * and ids unique under any number of concurrent publishers on any number of nodes.
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const limits = resolveRetention(options.retention);
  const maxStateBytes = resolveMaxStateBytes(options.maxStateBytes);
  const now = options.now ?? Date.now;
  const isoNow = createIsoClock(now);
  const schema = options.schema ?? 'herald';
  const sql = statements(quoteIdent(schema));
  const origin = randomUUID();
  const topic = `${schema}_events`;
  const notify = options.notify === false ? null : { topic, origin };
  const pool = new Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
  // A connection dropped by a server restart is reported on the pool (idle) or on the client (checked
  // out, between queries); its queries fail on their own and the pool replaces it on next use.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  let closed = false;
  let migrated: Promise<void> | undefined;
  /** The schema's generation (see migration 3), read once it is migrated. */
  let generation = '';
  const ready = (): Promise<void> => {
    migrated ??= migrate(pool, schema)
      .then(async () => {
        const { rows } = await pool.query<{ value: string }>(sql.generation);
        generation = rows[0]?.value ?? '';
      })
      .catch((error: unknown) => {
        migrated = undefined; // a database that was down at start is retried on the next call
        throw error;
      });
    return migrated;
  };

  /** The position of a channel without a row (never written): nothing is stored for it. */
  const unborn = (channel: string): ChannelInfo => ({
    epoch: firstEpoch(generation, channel),
    lastSeq: 0,
    firstSeq: 1,
  });
  // Surfaced by the first operation (or ready()); not an unhandled rejection.
  ready().catch(() => {});

  function assertOpen(): void {
    if (closed) throw closedError('postgres store');
  }

  async function transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        const code = (error as { code?: unknown }).code;
        if (attempt >= 3 || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
      } finally {
        client.release();
      }
    }
  }

  async function info(channel: string): Promise<ChannelInfo> {
    const { rows } = await pool.query<ReadRow>(sql.info, [channel]);
    const row = rows[0];
    return row === undefined ? unborn(channel) : toInfo(row);
  }

  const stopTimer = startTrimTimer(() => store.trim(), options.trimIntervalMs ?? DEFAULT_TRIM_INTERVAL_MS);

  const store: PostgresStore = {
    origin,
    topic,
    schema,
    ready,

    async append(channel: string, inputs: readonly PublishInput[]): Promise<AppendResult> {
      assertOpen();
      await ready();
      const ctx: AppendContext = {
        sql,
        ts: isoNow(),
        maxCount: limits.maxCount,
        maxBytes: limits.maxBytes,
        epoch: firstEpoch(generation, channel),
        maxStateBytes,
        notify,
      };
      return transaction((client) => appendLocked(client, ctx, channel, inputs));
    },

    async read(channel: string, afterSeq: number, limit: number, maxBytes = Number.MAX_VALUE) {
      assertOpen();
      await ready();
      const { rows } = await pool.query<ReadRow>(sql.read, [channel, afterSeq, Math.max(0, limit), maxBytes]);
      const head = rows[0];
      if (head === undefined) return { info: unborn(channel), events: [] };
      const events: Envelope[] = [];
      for (const r of rows) {
        if (r.seq === null) continue;
        events.push(
          storedEnvelope(channel, Number(r.seq), r.id, r.ts.toISOString(), r.type, r.data, r.state),
        );
      }
      return { info: toInfo(head), events };
    },

    async info(channel: string): Promise<ChannelInfo> {
      assertOpen();
      await ready();
      return info(channel);
    },

    async state(channel: string): Promise<ChannelState> {
      assertOpen();
      await ready();
      const { rows } = await pool.query<{ epoch: string; last_seq: string; state: string | null }>(
        sql.state,
        [channel],
      );
      const row = rows[0];
      if (row === undefined) return { epoch: unborn(channel).epoch, seq: 0, state: EMPTY_STATE };
      const state = row.state === null ? EMPTY_STATE : (JSON.parse(row.state) as JsonValue);
      return { epoch: row.epoch, seq: Number(row.last_seq), state };
    },

    async trim(): Promise<void> {
      if (closed) return;
      await ready();
      const cutoff = ageCutoff(limits, now());
      const batch = 500;
      try {
        // Each round locks (skipping channels an append holds) and trims up to `batch` channels.
        for (let round = 0; round < 1000 && !closed; round++) {
          const names = await transaction(async (client) => {
            const found = await client.query<{ name: string }>(sql.trimCandidates, [
              cutoff,
              limits.maxCount,
              batch,
            ]);
            const list = found.rows.map((r) => r.name);
            if (list.length > 0) await client.query(sql.trimChannels, [cutoff, limits.maxCount, list]);
            return list;
          });
          if (names.length < batch) break;
        }
      } catch (error) {
        if (!closed) throw error;
      }
    },

    async changedSince(since: Date) {
      assertOpen();
      await ready();
      const { rows } = await pool.query<{ name: string; last_seq: string }>(sql.changedSince, [since]);
      return rows.map((r) => ({ channel: r.name, lastSeq: Number(r.last_seq) }));
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      stopTimer();
      await pool.end().catch(() => {});
    },
  };
  return store;
}

function toInfo(row: Pick<ReadRow, 'epoch' | 'last_seq' | 'first_seq'>): ChannelInfo {
  return { epoch: row.epoch, lastSeq: Number(row.last_seq), firstSeq: Number(row.first_seq) };
}
