import type { Pool } from 'pg';

/**
 * The hub's tables, created or migrated by the hub itself. Each entry runs once, in order, inside one
 * transaction that holds an advisory lock, so nodes starting together migrate once. Never edit a shipped
 * entry: append a new one. Documented for backends in docs/stores.md.
 */
const MIGRATIONS: readonly ((s: string) => string)[] = [
  (s) => `
    CREATE TABLE ${s}.channels (
      name       text PRIMARY KEY,
      epoch      text NOT NULL,
      last_seq   bigint NOT NULL DEFAULT 0,
      first_seq  bigint NOT NULL DEFAULT 1,
      bytes      bigint NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE ${s}.events (
      channel text NOT NULL,
      seq     bigint NOT NULL,
      id      text NOT NULL,
      ts      timestamptz NOT NULL,
      type    text NOT NULL,
      data    json NOT NULL,
      size    integer NOT NULL,
      PRIMARY KEY (channel, seq)
    );
    CREATE UNIQUE INDEX events_channel_id ON ${s}.events (channel, id);
  `,
  // Channel state: each event's operations as published, and each channel's document (never trimmed; its
  // position is the channel's last_seq, updated in the same row-locked transaction).
  (s) => `
    ALTER TABLE ${s}.events ADD COLUMN state json;
    CREATE TABLE ${s}.channel_state (
      channel text PRIMARY KEY,
      state   json NOT NULL
    );
  `,
  // The schema's generation, drawn once: the epoch of each channel's first history derives from it, so a
  // read of a channel never written reports that epoch without storing a row.
  (s) => `
    CREATE TABLE ${s}.meta (
      key   text PRIMARY KEY,
      value text NOT NULL
    );
    INSERT INTO ${s}.meta (key, value) VALUES ('generation', md5(random()::text || clock_timestamp()::text));
  `,
];

/** The schema version this code expects. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Quotes a PostgreSQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Brings `schema` up to {@link SCHEMA_VERSION}. Refuses a database migrated by a newer hub, whose
 * tables this code may misread.
 */
export async function migrate(pool: Pool, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`herald:migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_version (
         version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ v: number | null }>(
      `SELECT max(version) AS v FROM ${s}.schema_version`,
    );
    const current = rows[0]?.v ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `herald schema ${schema} is at version ${current}; this hub knows up to ${SCHEMA_VERSION}`,
      );
    }
    for (let v = current + 1; v <= SCHEMA_VERSION; v++) {
      await client.query(MIGRATIONS[v - 1]?.(s) ?? '');
      await client.query(`INSERT INTO ${s}.schema_version (version) VALUES ($1)`, [v]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
