import { createMemoryStore } from './memory.js';
import { createRedisStore } from './redis.js';
import type { StoreRuntimeOptions } from './retention.js';
import { createSqliteStore } from './sqlite.js';
import type { EventStore, RetentionOptions } from './types.js';

/** How a hub is told which store to use: a ready store, or a description of one to create. */
export type StoreSpec =
  | EventStore
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly dir: string }
  | { readonly kind: 'redis'; readonly url: string; readonly keyPrefix?: string };

/**
 * Turns a {@link StoreSpec} into an {@link EventStore}. A ready store is returned as is (its own retention
 * applies); a description is created with `retention`.
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
    default:
      throw new TypeError(`unknown store kind: ${JSON.stringify((spec as { kind: unknown }).kind)}`);
  }
}

// exactOptionalPropertyTypes: leave the key out rather than pass `undefined`.
function withRetention(retention: Partial<RetentionOptions> | undefined) {
  return retention === undefined ? {} : { retention };
}
