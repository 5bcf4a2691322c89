/** A typed event emitter: `on` returns an unsubscribe; `emit` iterates a copy so listeners may unsubscribe. */
export interface Emitter<M> {
  on<K extends keyof M>(event: K, listener: (payload: M[K]) => void): () => void;
  emit<K extends keyof M>(event: K, payload: M[K]): void;
  clear(): void;
}

/** Creates an {@link Emitter}. A throwing listener does not stop the others; its error is rethrown async. */
export function createEmitter<M>(): Emitter<M> {
  // An emptied set stays in the map: keys are the few event names of M, so nothing grows.
  const map = new Map<keyof M, Set<(payload: never) => void>>();
  return {
    on(event, listener) {
      const set = map.get(event) ?? new Set();
      map.set(event, set);
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    emit(event, payload) {
      const set = map.get(event);
      if (set) for (const fn of [...set]) safeCall(fn as (p: typeof payload) => void, payload);
    },
    clear: () => map.clear(),
  };
}

/** Calls an app callback; its error must not break the client, so it is rethrown outside our stack. */
export function safeCall<A>(fn: ((arg: A) => void) | undefined, arg: A): void {
  try {
    fn?.(arg);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
