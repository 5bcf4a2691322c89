/**
 * React bindings for Herald: a provider, hooks over `useSyncExternalStore` (one shared subscription per
 * channel, at most one render per animation frame), and accessible components themable through
 * `--herald-*` CSS variables (import `@herald/react/styles.css`).
 * @packageDocumentation
 */

// The channel store lives in @herald/client/store (framework-free); these names stay exported here.
export type { GapInfo } from '@herald/client';
export {
  type ChannelSnapshot,
  type ChannelStateSnapshot,
  type ChannelStatus,
  createNotifyBatcher,
  DEFAULT_EVENT_LIMIT,
  type EventReducer,
  FALLBACK_FRAME_MS,
  type FrameScheduler,
  frameScheduler,
  type NotifyBatcher,
  notifyBatcher,
} from '@herald/client/store';
export { CONNECTION_ICONS, DEFAULT_CONNECTION_LABELS } from './components/connection-labels.js';
export {
  ConnectionStatus,
  type ConnectionStatusProps,
} from './components/connection-status.js';
export {
  type ErrorFallbackProps,
  RealtimeErrorBoundary,
  type RealtimeErrorBoundaryProps,
} from './components/error-boundary.js';
export {
  eventDuration,
  eventNode,
  eventPhase,
  formatDuration,
  formatTime,
  isFailureEvent,
  matchesFilter,
} from './components/event-format.js';
export {
  EventLog,
  type EventLogProps,
  EventLogView,
  type EventLogViewProps,
} from './components/event-log.js';
export { Highlight, type HighlightProps } from './components/highlight.js';
export {
  JobProgress,
  type JobProgressProps,
  JobProgressView,
  type JobProgressViewProps,
} from './components/job-progress.js';
export { DEFAULT_LIVE_LABELS, LiveBadge, type LiveBadgeProps } from './components/live-badge.js';
export { NewItemsButton, type NewItemsButtonProps } from './components/new-items-button.js';
export { Toaster, type ToasterProps } from './components/toaster.js';
export { HeraldContext, HeraldProvider, type HeraldProviderProps, useHeraldClient } from './context.js';
export type { ChannelGap } from './deprecated.js';
export {
  type ChannelEventsResult,
  type UseChannelEventsOptions,
  useChannelEvents,
} from './hooks/use-channel-events.js';
export { type UseChannelFoldOptions, useChannelFold } from './hooks/use-channel-fold.js';
export {
  type ChannelStateResult,
  type UseChannelStateOptions,
  useChannelState,
} from './hooks/use-channel-state.js';
export type { StartPosition } from './hooks/use-channel-store.js';
export { type CollectionResult, useCollection } from './hooks/use-collection.js';
export { type ConnectionStatusView, useConnectionStatus } from './hooks/use-connection-status.js';
export {
  type ConnectionToastsOptions,
  type ToastKind,
  type ToastLevel,
  type ToastMessage,
  useConnectionToasts,
} from './hooks/use-connection-toasts.js';
export { useCountdown } from './hooks/use-countdown.js';
export { type EventTypeFilter, type UseEventOptions, useEvent } from './hooks/use-event.js';
export { type EventToast, type EventToastsOptions, useEventToasts } from './hooks/use-event-toasts.js';
export {
  DEFAULT_HIGHLIGHT_MS,
  type HighlightKind,
  type HighlightState,
  type UseHighlightOptions,
  useChangedAt,
  useHighlight,
} from './hooks/use-highlight.js';
export {
  type InvalidateOnEventOptions,
  type QueryInvalidator,
  type QueryKeyLike,
  useInvalidateOnEvent,
} from './hooks/use-invalidate-on-event.js';
export { DEFAULT_JOB_THROTTLE_MS, type JobResult, type UseJobOptions, useJob } from './hooks/use-job.js';
export { type UseJobOutputOptions, useJobOutput } from './hooks/use-job-output.js';
export { type LiveEnd, type UseLiveEndOptions, useLiveEnd } from './hooks/use-live-end.js';
export {
  type LiveSource,
  type LiveState,
  type LiveStatus,
  liveState,
  type UseLiveStatusOptions,
  useLiveStatus,
} from './hooks/use-live-status.js';
export {
  type OptimisticEventsResult,
  type OptimisticFailure,
  type UseOptimisticEventsOptions,
  useOptimisticEvents,
} from './hooks/use-optimistic-events.js';
export { useUnseenCount } from './hooks/use-unseen-count.js';
export { type CamelCase, type CamelCaseKeys, normalizeKeys, toCamelCase } from './normalize-keys.js';
export type { FeedItem, KeyedEvent, KeyOf } from './optimistic/merge-feed.js';
export {
  type ToastLibrary,
  type ToastLibraryCall,
  type ToastLibraryOptions,
  toastAdapter,
  toastLevel,
} from './toast-adapter.js';
export {
  createToastStore,
  type ToastItem,
  type ToastStore,
  type ToastStoreOptions,
  toast,
  toastStore,
} from './toast-store.js';
