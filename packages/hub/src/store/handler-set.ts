import type { Envelope } from '@herald/protocol';

/**
 * Signature of the fan-out callback a hub node registers on a {@link Broker}: a channel's newly stored
 * envelopes and the epoch they were stored in (absent from brokers that predate epochs).
 */
export type EnvelopeHandler = (channel: string, envelopes: readonly Envelope[], epoch?: string) => void;

/** The handlers registered on a broker. */
export interface HandlerSet {
  /** Registers `handler`; the returned function removes this registration (once). */
  add(handler: EnvelopeHandler): () => void;
  /**
   * Calls every handler, even when some throw; then throws the first error (or an `AggregateError` for
   * several), so one faulty handler neither starves the others nor vanishes.
   */
  deliver(channel: string, envelopes: readonly Envelope[], epoch?: string): void;
  /** Removes every handler. */
  clear(): void;
}

/** Creates an empty {@link HandlerSet}. */
export function createHandlerSet(): HandlerSet {
  // Copy-on-write: a handler that (un)registers during delivery does not disturb the loop in progress.
  let handlers: readonly EnvelopeHandler[] = [];
  return {
    add(handler) {
      handlers = [...handlers, handler];
      let registered = true;
      return () => {
        if (!registered) return;
        registered = false;
        const i = handlers.indexOf(handler);
        if (i >= 0) handlers = [...handlers.slice(0, i), ...handlers.slice(i + 1)];
      };
    },
    deliver(channel, envelopes, epoch) {
      const errors: unknown[] = [];
      for (const handler of handlers) {
        try {
          handler(channel, envelopes, epoch);
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length === 0) return;
      throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'broker handlers failed');
    },
    clear() {
      handlers = [];
    },
  };
}

/**
 * The delivery every networked broker makes: an empty list is skipped, and a handler's error goes to
 * `onError` instead of out of the broker (a publish or a received message must not fail for it).
 */
export function reportingDelivery(
  handlers: HandlerSet,
  onError: (error: unknown) => void,
): (channel: string, envelopes: readonly Envelope[], epoch?: string) => void {
  return (channel, envelopes, epoch) => {
    if (envelopes.length === 0) return;
    try {
      handlers.deliver(channel, envelopes, epoch);
    } catch (error) {
      onError(error);
    }
  };
}

/** The `onResync` handlers of a broker ({@link Broker.onResync}). */
export interface ResyncHandlers {
  /** Registers `handler`; the returned function removes this registration. */
  add(handler: () => void): () => void;
  /** Calls every handler; one that throws is reported to `onError` and the others still run. */
  fire(): void;
  /** Removes every handler. */
  clear(): void;
}

/** Creates an empty {@link ResyncHandlers}, reporting a handler's error to `onError`. */
export function createResyncHandlers(onError: (error: unknown) => void): ResyncHandlers {
  const handlers = new Set<() => void>();
  return {
    add(handler) {
      // A wrapper per registration, so registering one function twice needs removing twice.
      const registered = () => handler();
      handlers.add(registered);
      return () => {
        handlers.delete(registered);
      };
    },
    fire() {
      for (const handler of [...handlers]) {
        try {
          handler();
        } catch (error) {
          onError(error);
        }
      }
    },
    clear() {
      handlers.clear();
    },
  };
}
