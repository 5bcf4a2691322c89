/**
 * `@herald/client/store`: the framework-free channel store that UI adapters (React, Vue, vanilla) sit on.
 * One reference-counted client subscription per (client, channel, start), exposed as
 * `{getSnapshot, subscribe}` stores (the channel's events and status, and reducers folded over its
 * events), and the channel's state document kept from the hub's snapshots and each event's state
 * operations, that notify at most once per animation frame however fast events arrive.
 * @packageDocumentation
 */

export {
  createNotifyBatcher,
  FALLBACK_FRAME_MS,
  type FrameScheduler,
  frameScheduler,
  type NotifyBatcher,
  notifyBatcher,
} from './batcher.js';
export {
  ChannelStore,
  type ChannelStoreOptions,
  type EventTap,
  type StoreLifecycle,
} from './channel-store.js';
export { type EventReducer, FoldStore } from './fold.js';
export {
  FROM_HISTORY,
  getChannelStateStore,
  getChannelStore,
  type StartPosition,
  toSince,
} from './registry.js';
export {
  type ChannelSnapshot,
  type ChannelStatus,
  DEFAULT_EVENT_LIMIT,
  IDLE_SNAPSHOT,
} from './snapshot.js';
export {
  type ChannelStateSnapshot,
  ChannelStateStore,
  type ChannelStateStoreOptions,
  IDLE_STATE,
} from './state-store.js';
