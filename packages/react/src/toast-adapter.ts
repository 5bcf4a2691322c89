import type { ToastKind, ToastLevel, ToastMessage } from './hooks/use-connection-toasts.js';

const LEVELS: Readonly<Record<ToastKind, ToastLevel>> = {
  lost: 'warning',
  restored: 'success',
  failing: 'error',
  'run-completed': 'success',
  'run-failed': 'error',
  event: 'info',
};

/** The toast's level: its own `level`, else the one its `kind` implies. */
export function toastLevel(toast: ToastMessage): ToastLevel {
  return toast.level ?? LEVELS[toast.kind];
}

/** What a toast library's calls are given besides the title. */
export interface ToastLibraryOptions {
  readonly description?: string;
  /** The toast's `key`: libraries that take an id replace a toast shown with the same one. */
  readonly id?: string;
}

/** A toast function of one level: `(title, options) => …`. */
export type ToastLibraryCall = (title: string, options?: ToastLibraryOptions) => unknown;

/**
 * A toast library shaped like sonner's `toast`: callable itself, with optional per-level methods
 * (`success`, `info`, `warning`, `error`). Accepted structurally, so this package depends on no library.
 */
export interface ToastLibrary extends ToastLibraryCall {
  readonly success?: ToastLibraryCall;
  readonly info?: ToastLibraryCall;
  readonly warning?: ToastLibraryCall;
  readonly error?: ToastLibraryCall;
}

/**
 * Turns a toast library into the `notify` function `useConnectionToasts` and `useEventToasts` take: each
 * {@link ToastMessage} goes to the method of its level (or the library itself when it has none), with its
 * description and its key as `id`.
 *
 * @example
 * ```tsx
 * import { toast, Toaster } from 'sonner';
 * const notify = toastAdapter(toast);
 * useConnectionToasts(notify);
 * useEventToasts('tenant:t1:activity', { match: 'issue.created', render: (e) => ({ title: 'New issue' }), notify });
 * ```
 */
export function toastAdapter(library: ToastLibrary): (toast: ToastMessage) => void {
  return (toast) => {
    const options: ToastLibraryOptions = {
      ...(toast.description === undefined ? {} : { description: toast.description }),
      ...(toast.key === undefined ? {} : { id: toast.key }),
    };
    const call = library[toastLevel(toast)];
    if (call === undefined) library(toast.title, options);
    else call.call(library, toast.title, options);
  };
}
