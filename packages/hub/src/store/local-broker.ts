import type { Envelope } from '@herald/protocol';
import { createHandlerSet, type EnvelopeHandler } from './handler-set.js';
import { closedError } from './ids.js';
import type { Broker } from './types.js';

/**
 * The single-node {@link Broker}: delivers to this process's handlers synchronously, inside `publish`.
 * `publish` rejects if a handler threw, after every handler had its turn.
 */
export function createLocalBroker(): Broker {
  const handlers = createHandlerSet();
  let closed = false;
  return {
    async publish(channel: string, envelopes: readonly Envelope[], epoch?: string): Promise<void> {
      if (closed) throw closedError('local broker');
      if (envelopes.length > 0) handlers.deliver(channel, envelopes, epoch);
    },
    onEnvelopes(handler: EnvelopeHandler): () => void {
      return handlers.add(handler);
    },
    async close(): Promise<void> {
      closed = true;
      handlers.clear();
    },
  };
}
