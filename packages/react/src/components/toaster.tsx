import { type ReactNode, useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { ToastLevel } from '../hooks/use-connection-toasts.js';
import { toastLevel } from '../toast-adapter.js';
import { type ToastItem, type ToastStore, toastStore } from '../toast-store.js';
import { cx } from './cx.js';

/** Props of {@link Toaster}. */
export interface ToasterProps {
  /** Where toasts come from. @default toastStore (fed by {@link toast}) */
  readonly store?: ToastStore;
  /** Milliseconds before a toast dismisses itself; paused while hovered or focused. @default 5000 */
  readonly duration?: number;
  /** Accessible name of the region. @default 'Notifications' */
  readonly label?: string;
  /** Extra class names for the root element. */
  readonly className?: string;
}

const ICONS: Readonly<Record<ToastLevel, string>> = {
  info: 'ℹ',
  success: '✔',
  warning: '⚠',
  error: '✖',
};

/** A minimal stack of dismissible toasts in a polite live region; use it when you have no toast library. */
export function Toaster({
  store = toastStore,
  duration = 5000,
  label = 'Notifications',
  className,
}: ToasterProps): ReactNode {
  const toasts = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  return (
    <section className={cx('herald-toaster', className)} aria-label={label}>
      <ol className="herald-toaster__list" aria-live="polite" aria-relevant="additions">
        {toasts.map((item) => (
          <Toast key={item.id} item={item} duration={duration} store={store} />
        ))}
      </ol>
    </section>
  );
}

interface ToastProps {
  readonly item: ToastItem;
  readonly duration: number;
  readonly store: ToastStore;
}

function Toast({ item, duration, store }: ToastProps): ReactNode {
  const [paused, setPaused] = useState(false);
  // Stable across list changes, so adding a toast does not restart the others' timers.
  const onDismiss = useCallback(() => store.dismiss(item.id), [store, item.id]);
  useEffect(() => {
    if (paused) return;
    const timer = setTimeout(onDismiss, duration);
    return () => clearTimeout(timer);
  }, [paused, duration, onDismiss]);
  const level = toastLevel(item);
  return (
    <li
      className={cx('herald-toast', `herald-toast--${item.kind}`, `herald-toast--${level}`)}
      data-kind={item.kind}
      data-level={level}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      <span className="herald-toast__icon" aria-hidden="true">
        {ICONS[level]}
      </span>
      <div className="herald-toast__body">
        <p className="herald-toast__title">{item.title}</p>
        {item.description === undefined ? null : (
          <p className="herald-toast__description">{item.description}</p>
        )}
      </div>
      <button
        type="button"
        className="herald-toast__dismiss"
        aria-label={`Dismiss: ${item.title}`}
        onClick={onDismiss}
      >
        <span aria-hidden="true">×</span>
      </button>
    </li>
  );
}
