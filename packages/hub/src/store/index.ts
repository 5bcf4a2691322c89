/**
 * Event stores (memory, SQLite, Redis) and brokers (in-process, Redis pub/sub): the hub's history and
 * fan-out backbone.
 * @packageDocumentation
 */
export { createStore, type StoreSpec } from './create-store.js';
export type { EnvelopeHandler } from './handler-set.js';
export { createLocalBroker } from './local-broker.js';
export { createMemoryStore, type MemoryStoreOptions } from './memory.js';
export { createRedisStore, DEFAULT_REDIS_PREFIX, type RedisStoreOptions } from './redis.js';
export { createRedisBroker, type RedisBroker, type RedisBrokerOptions } from './redis-broker.js';
export {
  DEFAULT_RETENTION,
  DEFAULT_TRIM_INTERVAL_MS,
  resolveRetention,
  type StoreRuntimeOptions,
} from './retention.js';
export { createSqliteStore, type SqliteStoreOptions } from './sqlite.js';
export type {
  AppendedEvent,
  AppendResult,
  Broker,
  ChannelInfo,
  EventStore,
  RetentionOptions,
} from './types.js';
