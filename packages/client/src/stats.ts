import type { ClientStats } from './types.js';

/** Counters the client increments; `outboxDepth`, `subscriptions` and `eventsBehind` are filled in on read. */
export type Counters = Omit<ClientStats, 'outboxDepth' | 'subscriptions' | 'eventsBehind'>;

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
    catchUpPolls: 0,
  };
}
