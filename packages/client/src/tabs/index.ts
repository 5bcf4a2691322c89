/**
 * `@herald/client/tabs`: one hub connection for every tab of an origin. The tab holding a Web Lock leads
 * and holds the connection; the others reach it over BroadcastChannel. See docs/tabs.md.
 * @packageDocumentation
 */

import { createClient as createOwnClient } from '../client.js';
import type { HeraldClient } from '../types.js';
import { createSharedClient } from './shared-client.js';
import type { SharedClient, SharedClientOptions } from './types.js';

export type {
  BroadcastChannelConstructorLike,
  BroadcastChannelLike,
  LockManagerLike,
  SharedClient,
  SharedClientOptions,
  TabsOptions,
} from './types.js';
export { createSharedClient };

/**
 * `createClient` of `@herald/client`, honouring {@link ClientOptions.shareAcrossTabs}: with it, the
 * client of {@link createSharedClient}; without it, a client with its own connection.
 */
export function createClient(options: SharedClientOptions & { shareAcrossTabs: true }): SharedClient;
export function createClient(options: SharedClientOptions): HeraldClient;
export function createClient(options: SharedClientOptions): HeraldClient {
  return options.shareAcrossTabs ? createSharedClient(options) : createOwnClient(options);
}
