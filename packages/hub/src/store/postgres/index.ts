export { createPostgresBroker, type PostgresBroker, type PostgresBrokerOptions } from './broker.js';
export { SCHEMA_VERSION as POSTGRES_SCHEMA_VERSION } from './schema.js';
export { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from './store.js';
