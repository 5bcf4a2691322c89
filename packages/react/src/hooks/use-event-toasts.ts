import type { Envelope, JsonValue } from '@herald/protocol';
import { useLatest } from '../internal/use-latest.js';
import { toast } from '../toast-store.js';
import type { ToastLevel, ToastMessage } from './use-connection-toasts.js';
import { type EventTypeFilter, useEvent } from './use-event.js';

/** The toast `render` makes of an event; `null` (or `undefined`) shows none for it. */
export interface EventToast {
  readonly title: string;
  readonly description?: string;
  /** @default 'info' */
  readonly level?: ToastLevel;
}

/** Options of {@link useEventToasts}. */
export interface EventToastsOptions<T = JsonValue> {
  /**
   * Which events make a toast: a type, several, `'*'`, or a predicate (for example "critical issues").
   * @default '*'
   */
  readonly match?: EventTypeFilter | ((event: Envelope<T>) => boolean);
  /** The toast for a matching event, or null for none. Kept in a ref: an inline function is fine. */
  readonly render: (event: Envelope<T>) => EventToast | null | undefined;
  /**
   * Shows the toast: sonner through `toastAdapter(toast)`, your design system's, or the built-in
   * `toast` (with `<Toaster/>`).
   * @default toast (the built-in store)
   */
  readonly notify?: (toast: ToastMessage) => void;
}

/**
 * A toast for each new event of `channel` that `match`es, made by `render` (kind `event`, keyed by channel
 * and event id, so one event is one toast). Only events that arrive while mounted: history replayed on
 * subscribe makes none.
 *
 * @example
 * ```tsx
 * useEventToasts<Issue>('tenant:t1:activity', {
 *   match: (e) => e.type === 'issue.created' && e.data.severity === 'critical',
 *   render: (e) => ({ title: `Critical issue: ${e.data.title}`, level: 'error' }),
 *   notify: toastAdapter(sonnerToast),
 * });
 * ```
 */
export function useEventToasts<T = JsonValue>(channel: string | null, options: EventToastsOptions<T>): void {
  const latest = useLatest(options);
  const match = options.match ?? '*';
  const types = typeof match === 'function' ? '*' : match;
  useEvent<T>(channel, types, (event) => {
    const { match: predicate, render, notify = toast } = latest.current;
    if (typeof predicate === 'function' && !predicate(event)) return;
    const made = render(event);
    if (made === null || made === undefined) return;
    notify({
      kind: 'event',
      title: made.title,
      level: made.level ?? 'info',
      key: `${event.channel}:${event.id}`,
      ...(made.description === undefined ? {} : { description: made.description }),
    });
  });
}
