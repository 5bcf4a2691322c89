import type { Envelope, JsonValue, StateOp } from '@herald/protocol';

/** Publishes one event (with state operations, if given) through the hub's HTTP API and returns its seq. */
export async function publish(
  baseUrl: string,
  channel: string,
  type: string,
  data: JsonValue,
  id?: string,
  state?: readonly StateOp[],
): Promise<number> {
  const event = { type, data, ...(id === undefined ? {} : { id }), ...(state ? { state } : {}) };
  const res = await fetch(`${baseUrl}/v1/channels/${encodeURIComponent(channel)}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
  if (res.status !== 201)
    throw new Error(`publish ${channel} ${type}: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { events: { seq: number }[] };
  const seq = body.events[0]?.seq;
  if (seq === undefined) throw new Error('publish answered without a seq');
  return seq;
}

/** A channel's retained history through the hub's HTTP API. */
export async function history(baseUrl: string, channel: string): Promise<Envelope[]> {
  const res = await fetch(`${baseUrl}/v1/channels/${encodeURIComponent(channel)}/events?after=0&limit=1000`);
  if (!res.ok) throw new Error(`history ${channel}: HTTP ${res.status}`);
  return ((await res.json()) as { events: Envelope[] }).events;
}

/** Resolves after `ms`; only for pacing publishes, never as an assertion. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
