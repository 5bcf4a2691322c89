import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@herald/testing';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/** A PostgreSQL server of a test's own, on a free port, in a temporary data directory. */
export interface PrivatePostgres {
  /** Server URL without a database (append `/postgres` or a database created on it). */
  readonly server: string;
  /** Stops it the hard way (`-m immediate`, as in a crash) and starts it again on the same data. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a private PostgreSQL 15 (initdb and pg_ctl refuse root, so they run as the `postgres` user).
 * The machine's shared server is never touched.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const root = await mkdtemp(join(tmpdir(), 'herald-pg-'));
  const data = join(root, 'data');
  const port = await freePort();
  const asPostgres = (cmd: string, args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args]);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () =>
    asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', join(root, 'log'), '-w', 'start']);
  let stopped = false;
  try {
    await run('chown', ['postgres', root]);
    await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await start();
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return {
    server: `postgres://postgres@127.0.0.1:${port}`,
    async restart() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}
