import type { HeraldClient } from '@herald/client';
import type { SincePosition } from '@herald/protocol';
import { ChannelStore } from './channel-store.js';

/** Replay the channel's retained history (the current epoch from seq 0), then live events. */
export const FROM_HISTORY: SincePosition = { seq: 0 };

const stores = new WeakMap<HeraldClient, Map<string, ChannelStore>>();

function keyOf(channel: string, since: SincePosition | undefined): string {
  return since === undefined
    ? `${channel}\u0000live`
    : `${channel}\u0000${since.epoch ?? ''}\u0000${since.seq}`;
}

/**
 * The store for `channel` on `client` starting at `since` (undefined: live events only), shared by every hook that asks for the same
 * triple. Idle stores remove themselves, so a later call creates a fresh one.
 */
export function getChannelStore(
  client: HeraldClient,
  channel: string,
  since: SincePosition | undefined,
): ChannelStore {
  let byKey = stores.get(client);
  if (byKey === undefined) {
    byKey = new Map();
    stores.set(client, byKey);
  }
  const key = keyOf(channel, since);
  let store = byKey.get(key);
  if (store === undefined) {
    const map = byKey;
    store = new ChannelStore(client, channel, since, {
      onActive: (active) => {
        if (!map.has(key)) map.set(key, active);
      },
      onIdle: (idle) => {
        if (map.get(key) === idle) map.delete(key);
      },
    });
    byKey.set(key, store);
  }
  return store;
}
