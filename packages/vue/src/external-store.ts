import { onScopeDispose, type ShallowRef, shallowRef, watch } from 'vue';

/** What the Herald store exposes: a snapshot with stable identity and a change subscription. */
export interface ExternalStore<T> {
  getSnapshot(): T;
  subscribe(listener: () => void): () => void;
}

/**
 * A shallow ref that mirrors the store `source()` returns (null: `idle()`), resubscribing when the source
 * changes and unsubscribing when the calling scope (component or `effectScope`) is disposed.
 */
export function useExternalStore<T>(
  source: () => ExternalStore<T> | null,
  idle: () => T,
): Readonly<ShallowRef<T>> {
  const value = shallowRef(idle());
  let release = (): void => {};
  const stop = watch(
    source,
    (store) => {
      release();
      release = () => {};
      if (store === null) {
        value.value = idle();
        return;
      }
      // Store snapshots are immutable and change identity on change, so a shallow ref is enough.
      value.value = store.getSnapshot();
      release = store.subscribe(() => {
        value.value = store.getSnapshot();
      });
    },
    // Sync: switching channels resubscribes at once, not at the next tick.
    { immediate: true, flush: 'sync' },
  );
  onScopeDispose(() => {
    stop();
    release();
  });
  return value;
}
