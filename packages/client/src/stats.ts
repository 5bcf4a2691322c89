import type { ClientStats } from './types.js';

/** Counters the client increments; `outboxDepth` and `subscriptions` are filled in on read. */
export type Counters = Omit<ClientStats, 'outboxDepth' | 'subscriptions'>;

/** All counters at zero. */
export function createCounters(): Counters {
  return {
    messagesIn: 0,
    messagesOut: 0,
    eventsDelivered: 0,
    reconnects: 0,
    resumes: 0,
    gaps: 0,
    bytesIn: 0,
    bytesOut: 0,
    duplicatesDropped: 0,
  };
}
