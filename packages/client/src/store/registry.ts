import type { SincePosition } from '@herald/protocol';
import type { HeraldClient } from '../types.js';
import { ChannelStore, type StoreLifecycle } from './channel-store.js';
import { ChannelStateStore } from './state-store.js';

/** Replay the channel's retained history (the current epoch from seq 0), then live events. */
export const FROM_HISTORY: SincePosition = { seq: 0 };

/** Where a channel subscription starts: a position, or `'now'` for live events only. */
export type StartPosition = SincePosition | 'now';

/** The client's `since` for a start position: undefined for `'now'`, else a copy of the position. */
export function toSince(start: StartPosition): SincePosition | undefined {
  if (start === 'now') return undefined;
  return start.epoch === undefined ? { seq: start.seq } : { epoch: start.epoch, seq: start.seq };
}

/** Stores of one kind, per client and key. */
export type StoreRegistry<S> = WeakMap<HeraldClient, Map<string, S>>;

/**
 * The store under `key` for `client` in `registry`, made by `create` when there is none. Idle stores remove
 * themselves (through the lifecycle `create` receives), so a later call creates a fresh one; a removed
 * store that is retained again puts itself back unless a fresh one took its place.
 */
export function sharedStore<S>(
  registry: StoreRegistry<S>,
  client: HeraldClient,
  key: string,
  create: (lifecycle: StoreLifecycle<S>) => S,
): S {
  let byKey = registry.get(client);
  if (byKey === undefined) {
    byKey = new Map();
    registry.set(client, byKey);
  }
  const map = byKey;
  let store = map.get(key);
  if (store === undefined) {
    store = create({
      onActive: (active) => {
        if (!map.has(key)) map.set(key, active);
      },
      onIdle: (idle) => {
        if (map.get(key) === idle) map.delete(key);
      },
    });
    map.set(key, store);
  }
  return store;
}

const stores: StoreRegistry<ChannelStore> = new WeakMap();

function keyOf(channel: string, since: SincePosition | undefined): string {
  return since === undefined
    ? `${channel}\u0000live`
    : `${channel}\u0000${since.epoch ?? ''}\u0000${since.seq}`;
}

/**
 * The store for `channel` on `client` starting at `since` (undefined: live events only), shared by every
 * caller that asks for the same triple. Idle stores remove themselves, so a later call creates a fresh one;
 * a removed store that is retained again puts itself back unless a fresh one took its place.
 */
export function getChannelStore(
  client: HeraldClient,
  channel: string,
  since: SincePosition | undefined,
): ChannelStore {
  return sharedStore(
    stores,
    client,
    keyOf(channel, since),
    (lifecycle) => new ChannelStore(client, channel, { since, lifecycle }),
  );
}

const stateStores: StoreRegistry<ChannelStateStore> = new WeakMap();

/**
 * The state store of `channel` on `client`, shared by every caller (hooks, composables) that asks for it
 * while it is in use; an idle one is forgotten, so a later call starts from a fresh snapshot.
 */
export function getChannelStateStore(client: HeraldClient, channel: string): ChannelStateStore {
  return sharedStore(
    stateStores,
    client,
    channel,
    (lifecycle) => new ChannelStateStore(client, channel, { lifecycle }),
  );
}
