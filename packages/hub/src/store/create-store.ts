import { createMemoryStore } from './memory.js';
import { createNatsStore } from './nats/index.js';
import { createPostgresStore } from './postgres/index.js';
import { createRedisStore } from './redis.js';
import type { StoreRuntimeOptions } from './retention.js';
import { createSqliteStore } from './sqlite.js';
import type { EventStore, RetentionOptions } from './types.js';

/** A PostgreSQL store to create: history in the database's tables, shared by every node using them. */
export interface PostgresStoreSpec {
  readonly kind: 'postgres';
  /** Connection string, such as `postgres://herald@db.internal:5432/herald`. */
  readonly url: string;
  /**
   * Schema holding the hub's tables; hubs that share a schema share history.
   * @default 'herald'
   */
  readonly schema?: string;
  /**
   * Most connections this node opens.
   * @default 10
   */
  readonly poolSize?: number;
}

/** A NATS JetStream store to create: one stream per channel, shared by every node using the prefixes. */
export interface NatsStoreSpec {
  readonly kind: 'nats';
  /** NATS server URL(s) with JetStream enabled, such as `nats://127.0.0.1:4222`. */
  readonly servers: string | string[];
  /**
   * Prefix of every channel's stream name; hubs sharing it share history.
   * @default 'HERALD_'
   */
  readonly streamPrefix?: string;
  /**
   * First token(s) of every event subject, and of the broker's subject. Hubs with different stream
   * prefixes on one server need different subject prefixes too (streams may not share subjects).
   * @default 'herald'
   */
  readonly subjectPrefix?: string;
  /**
   * Replicas of each stream (a JetStream cluster needs 3 to survive losing a server).
   * @default 1
   */
  readonly replicas?: number;
}

/**
 * How a hub is told which store to use: a ready store, or a description of one to create. A Redis,
 * PostgreSQL or NATS description also gives the hub a broker on the same engine (see `HubOptions.broker`).
 */
export type StoreSpec =
  | EventStore
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly dir: string }
  | { readonly kind: 'redis'; readonly url: string; readonly keyPrefix?: string }
  | PostgresStoreSpec
  | NatsStoreSpec;

/**
 * Turns a {@link StoreSpec} into an {@link EventStore}. A ready store is returned as is (its own retention
 * applies); a description is created with `retention`. A PostgreSQL store connects and migrates in the
 * background: its `ready()` (awaited by the hub) reports an unreachable database.
 *
 * @throws TypeError for an unknown `kind`.
 */
export function createStore(
  spec: StoreSpec,
  retention?: Partial<RetentionOptions>,
  options: StoreRuntimeOptions = {},
): EventStore {
  if (!('kind' in spec)) return spec;
  switch (spec.kind) {
    case 'memory':
      return createMemoryStore(retention, options);
    case 'sqlite':
      return createSqliteStore({ ...options, dir: spec.dir, ...withRetention(retention) });
    case 'redis':
      return createRedisStore({
        ...options,
        url: spec.url,
        ...withRetention(retention),
        ...(spec.keyPrefix === undefined ? {} : { keyPrefix: spec.keyPrefix }),
      });
    case 'postgres':
      return createPostgresStore({
        ...options,
        url: spec.url,
        ...withRetention(retention),
        ...defined({ schema: spec.schema, poolSize: spec.poolSize }),
      });
    case 'nats':
      return createNatsStore({
        ...options,
        servers: spec.servers,
        ...withRetention(retention),
        ...defined({
          streamPrefix: spec.streamPrefix,
          subjectPrefix: spec.subjectPrefix,
          replicas: spec.replicas,
        }),
      });
    default:
      throw new TypeError(`unknown store kind: ${JSON.stringify((spec as { kind: unknown }).kind)}`);
  }
}

// exactOptionalPropertyTypes: leave the key out rather than pass `undefined`.
function withRetention(retention: Partial<RetentionOptions> | undefined) {
  return retention === undefined ? {} : { retention };
}

/** `fields` without its `undefined` entries (exactOptionalPropertyTypes again). */
function defined<T extends object>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
