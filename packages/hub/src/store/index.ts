/**
 * Event stores (memory, SQLite) and brokers (in-process): the hub's history and fan-out backbone.
 * @packageDocumentation
 */
export { createStore, type StoreSpec } from './create-store.js';
export { createLocalBroker, type EnvelopeHandler } from './local-broker.js';
export { createMemoryStore, type MemoryStoreOptions } from './memory.js';
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
