import type { Envelope } from '@herald/protocol';
import { Listeners, retainingSubscribe } from './listeners.js';

/** A reducer over the channel's events, kept up to date by the store. */
export type EventReducer<S> = (state: S, event: Envelope) => S;

/**
 * `reducer` folded over a channel's events, as a `{getSnapshot, subscribe}` store. Events are applied as
 * they arrive; listeners hear about the result at the channel's next flush, and only if it changed
 * (`Object.is`).
 */
export class FoldStore<S> {
  private readonly listeners = new Listeners();
  private notified: S;

  constructor(
    private readonly reducer: EventReducer<S>,
    private state: S,
    retain: () => () => void,
  ) {
    this.notified = state;
    this.subscribe = retainingSubscribe(this.listeners, retain);
  }

  /** Applies one event without notifying. */
  apply(event: Envelope): void {
    this.state = this.reducer(this.state, event);
  }

  /** Publishes the folded state to listeners if it changed since the last flush. */
  flush(): void {
    if (Object.is(this.state, this.notified)) return;
    this.notified = this.state;
    this.listeners.emit();
  }

  /** The state as of the last flush (stable between flushes, for `useSyncExternalStore` and the like). */
  readonly getSnapshot = (): S => this.notified;

  /** Registers a change listener and keeps the channel subscribed until the returned cleanup. */
  readonly subscribe: (listener: () => void) => () => void;
}
