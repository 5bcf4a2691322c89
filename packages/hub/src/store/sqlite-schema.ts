import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_DURABILITY, type Durability, sqliteSynchronous } from '../durability.js';
import { MINTED_ID_PREFIX } from './ids.js';

/** The database file name inside the data directory. */
export const SQLITE_FILE = 'herald.db';

/**
 * The rows the id index holds: those whose id does not have the form the hub draws. A drawn id is a fresh
 * random UUID, unique by construction, so an event published without an id writes one B-tree page (its
 * `(channel, seq)` row) instead of two; on the seeds' workload (one event per channel per commit) that page
 * is most of an append's cost. A supplied id of the drawn form is looked up by a scan of its channel's
 * retained rows instead (`seqByIdScan`). Queries must repeat this term verbatim for SQLite to use the index.
 */
const INDEXED_ID = `substr(id, 1, ${MINTED_ID_PREFIX.length}) <> '${MINTED_ID_PREFIX}'`;

// WITHOUT ROWID keeps each table clustered on its primary key, so a channel's events sit together in seq
// order and range reads/deletes touch contiguous pages.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS channels (
  name TEXT PRIMARY KEY,
  epoch TEXT NOT NULL,
  last_seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  channel TEXT NOT NULL,
  seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  ts TEXT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  state TEXT,
  PRIMARY KEY (channel, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS events_supplied_id ON events (channel, id) WHERE ${INDEXED_ID};
CREATE TABLE IF NOT EXISTS channel_state (
  channel TEXT PRIMARY KEY,
  state TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;

/**
 * Brings a database made by an earlier version up to {@link SCHEMA}: `CREATE TABLE IF NOT EXISTS` adds new
 * tables, but a column added to an existing table needs an `ALTER TABLE`.
 */
function migrate(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(events)').all();
  // The state operations each event carried (JSON), null when none; added with channel state.
  if (!columns.some((c) => c.name === 'state')) db.exec('ALTER TABLE events ADD COLUMN state TEXT');
  // The index of every id, before drawn ids left it (events_supplied_id replaces it; the rows an older hub
  // stored have UUID ids without the drawn prefix, so the new index holds all of them).
  db.exec('DROP INDEX IF EXISTS events_channel_id');
}

/**
 * Opens (creating if needed) `<dir>/herald.db` in WAL mode with the schema in place, synced as
 * `durability` asks.
 */
export function openDatabase(dir: string, durability: Durability = DEFAULT_DURABILITY): Database.Database {
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, SQLITE_FILE));
  try {
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL only syncs at checkpoints: a power loss may drop the last commits but never
    // corrupts the database; a process crash loses nothing. FULL syncs the WAL on every commit.
    db.pragma(`synchronous = ${sqliteSynchronous(durability)}`);
    db.pragma('busy_timeout = 5000');
    // A WAL grown by a burst is cut back to this when it restarts (checkpoints: sqlite-checkpointer.ts).
    db.pragma('journal_size_limit = 67108864');
    db.exec(SCHEMA);
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * The database's generation: a random value drawn once, when the database is created (or first opened by a
 * hub that knows it), from which the epoch of every channel's first history is derived (`firstEpoch`).
 */
export function databaseGeneration(db: Database.Database, candidate: string): string {
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', ?)").run(candidate);
  return db.prepare<[], string>("SELECT value FROM meta WHERE key = 'generation'").pluck().get() ?? candidate;
}

/** An event row as read back, in column order: seq, id, ts, type, data (JSON text), state (JSON or null). */
export type EventRow = [
  seq: number,
  id: string,
  ts: string,
  type: string,
  data: string,
  state: string | null,
];

type Statement<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** The prepared statements of one database (spelled out so the declaration can name better-sqlite3's types). */
export interface Statements {
  selectChannel: Statement<[string], { epoch: string; last_seq: number }>;
  insertChannel: Statement<[string, string]>;
  updateLastSeq: Statement<[number, string]>;
  allChannels: Statement<[], { name: string; last_seq: number }>;
  minSeq: Statement<[string], number | null>;
  insertEvent: Statement<[string, number, string, string, string, string, string | null]>;
  selectState: Statement<[string], string>;
  upsertState: Statement<[string, string]>;
  seqById: Statement<[string, string], number>;
  seqByIdScan: Statement<[string, number, string], number>;
  readAfter: Statement<[string, number, number], EventRow>;
  payloadSizes: Statement<[string, number, number], [seq: number, bytes: number]>;
  payloadBytes: Statement<[string, number, number], number | null>;
  firstNotOlderThan: Statement<[string, string], number>;
  deleteBefore: Statement<[string, number]>;
}

/** Every statement the store runs, prepared once. */
export function prepareStatements(db: Database.Database): Statements {
  return {
    // A channel's last seq is its newest row's, or the stored last_seq when it is larger (all rows trimmed):
    // appends do not update channels.last_seq (see sqlite.ts, `deleteBefore`).
    selectChannel: db.prepare<[string], { epoch: string; last_seq: number }>(
      'SELECT epoch, MAX(last_seq, IFNULL((SELECT MAX(seq) FROM events WHERE channel = name), 0)) AS last_seq ' +
        'FROM channels WHERE name = ?',
    ),
    insertChannel: db.prepare<[string, string]>(
      'INSERT INTO channels (name, epoch, last_seq) VALUES (?, ?, 0)',
    ),
    updateLastSeq: db.prepare<[number, string]>('UPDATE channels SET last_seq = ? WHERE name = ?'),
    allChannels: db.prepare<[], { name: string; last_seq: number }>(
      'SELECT name, MAX(last_seq, IFNULL((SELECT MAX(seq) FROM events WHERE channel = name), 0)) AS last_seq ' +
        'FROM channels',
    ),
    minSeq: db.prepare<[string], number | null>('SELECT MIN(seq) FROM events WHERE channel = ?').pluck(),
    insertEvent: db.prepare<[string, number, string, string, string, string, string | null]>(
      'INSERT INTO events (channel, seq, id, ts, type, data, state) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
        `ON CONFLICT (channel, id) WHERE ${INDEXED_ID} DO NOTHING`,
    ),
    selectState: db.prepare<[string], string>('SELECT state FROM channel_state WHERE channel = ?').pluck(),
    upsertState: db.prepare<[string, string]>(
      'INSERT INTO channel_state (channel, state) VALUES (?, ?) ' +
        'ON CONFLICT (channel) DO UPDATE SET state = excluded.state',
    ),
    seqById: db
      .prepare<[string, string], number>(
        `SELECT seq FROM events WHERE channel = ? AND id = ? AND ${INDEXED_ID}`,
      )
      .pluck(),
    // For a supplied id of the drawn form, which the index does not hold: the channel's rows from `seq` on.
    seqByIdScan: db
      .prepare<[string, number, string], number>(
        'SELECT seq FROM events WHERE channel = ? AND seq >= ? AND id = ? LIMIT 1',
      )
      .pluck(),
    readAfter: db
      .prepare<[string, number, number], EventRow>(
        'SELECT seq, id, ts, type, data, state FROM events WHERE channel = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .raw(),
    // Payload sizes, for the byte limit; only the sizes cross into JS.
    payloadSizes: db
      .prepare<[string, number, number], [number, number]>(
        'SELECT seq, octet_length(data) FROM events WHERE channel = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .raw(),
    payloadBytes: db
      .prepare<[string, number, number], number | null>(
        'SELECT SUM(octet_length(data)) FROM events WHERE channel = ? AND seq >= ? AND seq < ?',
      )
      .pluck(),
    firstNotOlderThan: db
      .prepare<[string, string], number>(
        'SELECT seq FROM events WHERE channel = ? AND ts >= ? ORDER BY seq LIMIT 1',
      )
      .pluck(),
    deleteBefore: db.prepare<[string, number]>('DELETE FROM events WHERE channel = ? AND seq < ?'),
  };
}
