import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The machine's shared PostgreSQL (trust auth): only databases created here are ever touched. */
export const SHARED_POSTGRES = 'postgres://postgres@127.0.0.1:5432';

/** A database of its own for one test, dropped by `drop()`. */
export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** Creates `herald_t_<random>` on the server at `server` (default: the shared one). */
export async function createTestDatabase(server = SHARED_POSTGRES): Promise<TestDatabase> {
  const name = `herald_t_${randomBytes(6).toString('hex')}`;
  await admin(server, `CREATE DATABASE ${name}`);
  return {
    url: `${server}/${name}`,
    name,
    drop: () => admin(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(server: string, sql: string): Promise<void> {
  // A short connect timeout: a server that is down fails the caller at once instead of hanging it.
  const client = new Client({ connectionString: `${server}/postgres`, connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
