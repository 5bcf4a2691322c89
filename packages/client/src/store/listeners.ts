/** A set of change listeners; `emit` copies the list first, so listeners may (un)subscribe while it runs. */
export class Listeners {
  private readonly set = new Set<() => void>();

  /** Adds `listener`; returns its removal. */
  add(listener: () => void): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }

  /** Calls every listener registered when the emit started. */
  emit(): void {
    for (const listener of [...this.set]) listener();
  }
}

/**
 * A `subscribe` for `{getSnapshot, subscribe}` stores whose listeners also keep a resource alive:
 * `retain` is called per listener and its release runs when that listener unsubscribes.
 */
export function retainingSubscribe(
  listeners: Listeners,
  retain: () => () => void,
): (listener: () => void) => () => void {
  return (listener) => {
    const remove = listeners.add(listener);
    const release = retain();
    return () => {
      remove();
      release();
    };
  };
}
