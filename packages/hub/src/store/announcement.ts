import type { Envelope } from '@herald/protocol';

/**
 * What the pub/sub brokers (Redis, NATS) send between nodes: the sender (so it skips its own echo), the
 * channel and the envelopes. Short keys: one goes out per publish.
 */
interface Announcement {
  readonly n: string;
  readonly c: string;
  readonly e: readonly Envelope[];
}

/**
 * Encodes an announcement. Past `maxBytes` it carries only the newest envelope: the receiving node's
 * sequencer sees the gap and reads the rest from the shared store.
 */
export function encodeAnnouncement(
  nodeId: string,
  channel: string,
  envelopes: readonly Envelope[],
  maxBytes = Number.POSITIVE_INFINITY,
): string {
  const body = JSON.stringify({ n: nodeId, c: channel, e: envelopes } satisfies Announcement);
  return body.length > maxBytes
    ? JSON.stringify({ n: nodeId, c: channel, e: envelopes.slice(-1) } satisfies Announcement)
    : body;
}

/** Decodes another node's announcement; undefined for this node's own echo. Throws on bad JSON. */
export function readAnnouncement(
  nodeId: string,
  raw: string,
): { channel: string; envelopes: readonly Envelope[] } | undefined {
  const message = JSON.parse(raw) as Announcement;
  return message.n === nodeId ? undefined : { channel: message.c, envelopes: message.e };
}
