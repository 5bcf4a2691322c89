import type { Envelope } from '@herald/protocol';
import { closedError } from './ids.js';
import type { Broker } from './types.js';

/** Signature of the fan-out callback a hub node registers on a {@link Broker}. */
export type EnvelopeHandler = (channel: string, envelopes: readonly Envelope[]) => void;

/**
 * Calls every handler with `channel` and `envelopes`, even when some throw. Throws the first error (or an
 * `AggregateError` for several) afterwards, so one faulty handler neither starves the others nor vanishes.
 */
export function deliver(
  handlers: Iterable<EnvelopeHandler>,
  channel: string,
  envelopes: readonly Envelope[],
): void {
  const errors: unknown[] = [];
  for (const handler of handlers) {
    try {
      handler(channel, envelopes);
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 0) return;
  throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'broker handlers failed');
}

/**
 * The single-node {@link Broker}: delivers to this process's handlers synchronously, inside `publish`.
 */
export function createLocalBroker(): Broker {
  let handlers: EnvelopeHandler[] = [];
  let closed = false;
  return {
    async publish(channel: string, envelopes: readonly Envelope[]): Promise<void> {
      if (closed) throw closedError('local broker');
      if (envelopes.length > 0) deliver(handlers, channel, envelopes);
    },
    onEnvelopes(handler: EnvelopeHandler): () => void {
      // Copy-on-write: a handler that (un)registers during delivery does not disturb the loop in progress.
      handlers = [...handlers, handler];
      let registered = true;
      return () => {
        if (!registered) return;
        registered = false;
        const i = handlers.indexOf(handler);
        if (i >= 0) handlers = [...handlers.slice(0, i), ...handlers.slice(i + 1)];
      };
    },
    async close(): Promise<void> {
      closed = true;
      handlers = [];
    },
  };
}
