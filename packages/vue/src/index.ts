/**
 * Vue 3 composables for Herald over the framework-free channel store of `@herald/client/store`: a plugin
 * that provides the client, the connection status, a channel's events and a reducer folded over them, and
 * the channel's state (any document, a job, a job's streamed output, a keyed collection). Each
 * composable works in a component's `setup` and in an `effectScope`, and releases its subscription when
 * that scope ends.
 * @packageDocumentation
 */

export type {
  ChannelSnapshot,
  ChannelStateSnapshot,
  ChannelStatus,
  EventReducer,
  StartPosition,
} from '@herald/client/store';
export {
  type ClientOption,
  createHerald,
  HERALD_CLIENT_KEY,
  provideHeraldClient,
  useHeraldClient,
} from './context.js';
export {
  type ChannelEventsRefs,
  type UseChannelEventsOptions,
  useChannelEvents,
} from './use-channel-events.js';
export { type UseChannelFoldOptions, useChannelFold } from './use-channel-fold.js';
export {
  type JobRefs,
  type UseJobOptions,
  useChannelState,
  useCollection,
  useJob,
  useJobOutput,
} from './use-channel-state.js';
export type { ChannelOptions, ChannelSource } from './use-channel-store.js';
export { type UseConnectionStatusOptions, useConnectionStatus } from './use-connection-status.js';
