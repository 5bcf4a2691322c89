import type { Envelope } from '@herald/protocol';

/**
 * What the pub/sub brokers (Redis, NATS) send between nodes: the sender (so it skips its own echo), the
 * channel, the epoch the envelopes were stored in and the envelopes. Short keys: one goes out per publish.
 * `p` is absent from nodes that predate epochs (and from a publish that named none).
 */
interface Announcement {
  readonly n: string;
  readonly c: string;
  readonly p?: string;
  readonly e: readonly Envelope[];
}

/** A decoded announcement of another node. */
export interface ReceivedAnnouncement {
  readonly channel: string;
  readonly envelopes: readonly Envelope[];
  readonly epoch: string | undefined;
}

/**
 * Encodes an announcement. Past `maxBytes` it carries only the newest envelope: the receiving node's
 * sequencer sees the gap and reads the rest from the shared store.
 */
export function encodeAnnouncement(
  nodeId: string,
  channel: string,
  envelopes: readonly Envelope[],
  epoch: string | undefined,
  maxBytes = Number.POSITIVE_INFINITY,
): string {
  const head = { n: nodeId, c: channel, ...(epoch === undefined ? {} : { p: epoch }) };
  const body = JSON.stringify({ ...head, e: envelopes } satisfies Announcement);
  return body.length > maxBytes
    ? JSON.stringify({ ...head, e: envelopes.slice(-1) } satisfies Announcement)
    : body;
}

/** Decodes another node's announcement; undefined for this node's own echo. Throws on bad JSON. */
export function readAnnouncement(nodeId: string, raw: string): ReceivedAnnouncement | undefined {
  const message = JSON.parse(raw) as Announcement;
  if (message.n === nodeId) return undefined;
  return { channel: message.c, envelopes: message.e, epoch: message.p };
}
