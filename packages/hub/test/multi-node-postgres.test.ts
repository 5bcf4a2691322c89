import { afterEach, describe, it } from 'vitest';
import { createTestDatabase } from './engines/postgres.js';
import { startPrivatePostgres } from './engines/private-postgres.js';
import { type Cleanups, engineRestartScenario, nodeKillScenario, runCleanups } from './engines/scenario.js';

const cleanups: Cleanups = [];
afterEach(() => runCleanups(cleanups));

describe('two hub nodes on one PostgreSQL', () => {
  it('keeps every subscriber at exactly 1..N when a node is killed mid-stream', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    await nodeKillScenario({ kind: 'postgres', url: db.url }, cleanups);
  }, 60_000);

  it('keeps every subscriber at exactly 1..N across a PostgreSQL restart mid-stream', async () => {
    const pg = await startPrivatePostgres();
    cleanups.push(() => pg.stop());
    const db = await createTestDatabase(pg.server);
    await engineRestartScenario({ kind: 'postgres', url: db.url }, () => pg.restart(), cleanups);
  }, 60_000);
});
