// The hub tests' own helpers for a fresh database and fresh stream prefixes on the machine's engines.
import { SHARED_NATS, testStreams } from '../../../packages/hub/test/engines/nats.js';
import { createTestDatabase } from '../../../packages/hub/test/engines/postgres.js';
import { startPrivateRedis } from '../../../packages/hub/test/engines/private-redis.js';
import type { HeraldStore } from '../../servers/types.js';

/** The stores that need an engine outside the hub process. */
export type EngineName = 'redis' | 'postgres' | 'nats';

/**
 * Sets up `engine` for one row (a private Redis, a fresh database, fresh stream prefixes), runs `body`
 * with the store that points at it and always cleans up after. Set-up errors reject, so the row fails
 * with the reason instead of the run.
 */
export async function withEngine<T>(
  engine: EngineName,
  body: (store: HeraldStore) => Promise<T>,
): Promise<T> {
  if (engine === 'redis') {
    const redis = await startPrivateRedis();
    try {
      return await body({ kind: 'redis', url: redis.url, keyPrefix: redis.keyPrefix });
    } finally {
      await redis.stop();
    }
  }
  if (engine === 'postgres') {
    const db = await createTestDatabase();
    try {
      return await body({ kind: 'postgres', url: db.url });
    } finally {
      await db.drop();
    }
  }
  const streams = testStreams();
  // Deleting the (still empty) prefix first is the probe: an engine that is down fails the row before the hub starts.
  await streams.remove();
  try {
    return await body({
      kind: 'nats',
      servers: SHARED_NATS,
      streamPrefix: streams.streamPrefix,
      subjectPrefix: streams.subjectPrefix,
    });
  } finally {
    await streams.remove();
  }
}

/** Runs `body` with `store` as is, or with an engine set up for it first. */
export function withStore<T>(
  store: HeraldStore | EngineName,
  body: (store: HeraldStore) => Promise<T>,
): Promise<T> {
  return store === 'redis' || store === 'postgres' || store === 'nats'
    ? withEngine(store, body)
    : body(store);
}
