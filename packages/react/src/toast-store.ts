import type { ToastMessage } from './hooks/use-connection-toasts.js';

/** A toast waiting to be shown or dismissed. */
export interface ToastItem extends ToastMessage {
  /** Unique id within its store. */
  readonly id: number;
}

/** A tiny external store of toasts, read by {@link Toaster}. */
export interface ToastStore {
  /** Shows a toast (replacing a shown one with the same `key`); returns its id. */
  notify(toast: ToastMessage): number;
  /** Removes a toast. */
  dismiss(id: number): void;
  /** The current toasts, oldest first; a new array after each change. */
  getSnapshot(): readonly ToastItem[];
  /** Calls `listener` after each change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

/** Options of {@link createToastStore}. */
export interface ToastStoreOptions {
  /** Most toasts kept at once; the oldest goes first. @default 5 */
  readonly max?: number;
}

/** Creates a toast store, for apps that want more than the shared {@link toastStore}. */
export function createToastStore(options: ToastStoreOptions = {}): ToastStore {
  const max = options.max ?? 5;
  const listeners = new Set<() => void>();
  let toasts: readonly ToastItem[] = [];
  let nextId = 1;
  const emit = (next: readonly ToastItem[]): void => {
    toasts = next;
    for (const listener of [...listeners]) listener();
  };
  return {
    notify(toast) {
      const id = nextId++;
      // A toast about the same thing (same key) replaces the one still shown.
      const others = toast.key === undefined ? toasts : toasts.filter((t) => t.key !== toast.key);
      emit([...others, { ...toast, id }].slice(-max));
      return id;
    },
    dismiss(id) {
      if (toasts.some((t) => t.id === id)) emit(toasts.filter((t) => t.id !== id));
    },
    getSnapshot: () => toasts,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The store the default {@link Toaster} shows. */
export const toastStore: ToastStore = createToastStore();

/** Shows a toast in the default {@link Toaster}; pass it to {@link useConnectionToasts}. */
export function toast(message: ToastMessage): number {
  return toastStore.notify(message);
}
