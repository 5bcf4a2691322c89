import type { SincePosition } from '@herald/protocol';
import type { HeraldClient } from '../types.js';
import { ChannelStore } from './channel-store.js';

/** Replay the channel's retained history (the current epoch from seq 0), then live events. */
export const FROM_HISTORY: SincePosition = { seq: 0 };

/** Where a channel subscription starts: a position, or `'now'` for live events only. */
export type StartPosition = SincePosition | 'now';

/** The client's `since` for a start position: undefined for `'now'`, else a copy of the position. */
export function toSince(start: StartPosition): SincePosition | undefined {
  if (start === 'now') return undefined;
  return start.epoch === undefined ? { seq: start.seq } : { epoch: start.epoch, seq: start.seq };
}

const stores = new WeakMap<HeraldClient, Map<string, ChannelStore>>();

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
  let byKey = stores.get(client);
  if (byKey === undefined) {
    byKey = new Map();
    stores.set(client, byKey);
  }
  const key = keyOf(channel, since);
  let store = byKey.get(key);
  if (store === undefined) {
    const map = byKey;
    store = new ChannelStore(client, channel, {
      since,
      lifecycle: {
        onActive: (active) => {
          if (!map.has(key)) map.set(key, active);
        },
        onIdle: (idle) => {
          if (map.get(key) === idle) map.delete(key);
        },
      },
    });
    byKey.set(key, store);
  }
  return store;
}
