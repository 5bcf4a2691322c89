/**
 * The Herald hub: WebSocket + HTTP event streaming with durable, resumable per-channel history.
 * @packageDocumentation
 */
export { isChannelPattern } from './auth/api-keys.js';
export { HubConfigError, isLoopbackHost } from './auth/dev-hub.js';
export { DEFAULT_CLOCK_TOLERANCE_SEC } from './auth/jwt.js';
export {
  type AuthOptions,
  DEFAULT_LIMITS,
  type HubOptions,
  type LimitOptions,
  type PublisherKey,
  type ScopedPublisherKey,
  type StoreSpec,
} from './config.js';
export { DEFAULT_DURABILITY, DURABILITY_LEVELS, type Durability } from './durability.js';
export { createHub } from './hub.js';
export type { HubControl, HubStats, MountableHub } from './hub-api.js';
export { createHubLogger, type HubLoggerOptions } from './logger.js';
export { hubMemoryCeiling, type MemoryCeilingInput } from './memory-ceiling.js';
export type { HubSocket } from './peer/socket.js';
export { type Hub, startHub } from './server.js';
export { createStore, type NatsStoreSpec, type PostgresStoreSpec } from './store/create-store.js';
export { createLocalBroker } from './store/local-broker.js';
export { createMemoryStore } from './store/memory.js';
export {
  createNatsBroker,
  createNatsStore,
  type NatsBroker,
  type NatsBrokerOptions,
  type NatsStore,
  type NatsStoreOptions,
} from './store/nats/index.js';
export {
  createPostgresBroker,
  createPostgresStore,
  POSTGRES_SCHEMA_VERSION,
  type PostgresBroker,
  type PostgresBrokerOptions,
  type PostgresStore,
  type PostgresStoreOptions,
} from './store/postgres/index.js';
export { createRedisStore } from './store/redis.js';
export { createRedisBroker } from './store/redis-broker.js';
export { createSqliteStore } from './store/sqlite.js';
export type {
  AppendedEvent,
  AppendResult,
  Broker,
  ChannelInfo,
  ChannelState,
  EventStore,
  RetentionOptions,
} from './store/types.js';
export { type CompressionOptions, DEFAULT_COMPRESSION } from './ws/compression.js';
