/**
 * `@herald/client`: the framework-agnostic Herald client for browsers and Node 20. One connection carries
 * many channel subscriptions that resume after any disconnect with nothing lost and nothing duplicated;
 * publishes wait in a persisted outbox while offline.
 * @packageDocumentation
 */

export type { Envelope, JsonValue, Position, SincePosition } from '@herald/protocol';
export { CloseCode, ErrorCode, HeraldError } from '@herald/protocol';
export { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export { createClient, resolveUrls } from './client.js';
export { createEnvironment } from './environment.js';
export { DEFAULT_OUTBOX } from './outbox.js';
export { canTransition, TRANSITIONS } from './state-machine.js';
export { localStorageAdapter } from './storage.js';
export type * from './types.js';
