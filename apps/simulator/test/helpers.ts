import type { Envelope } from '@herald/protocol';

/** Reads a channel's whole history through the hub's HTTP API. */
export async function history(baseUrl: string, channel: string): Promise<Envelope[]> {
  const res = await fetch(`${baseUrl}/v1/channels/${encodeURIComponent(channel)}/events?after=0&limit=1000`);
  if (!res.ok) throw new Error(`history ${channel}: HTTP ${res.status}`);
  const body = (await res.json()) as { events: Envelope[] };
  return body.events;
}

/** The `node:phase` trail of a run channel, such as `VALIDATE:end`. */
export function nodeTrail(events: readonly Envelope[]): string[] {
  return events
    .filter((e) => e.type.startsWith('node.'))
    .map((e) => {
      const data = e.data as { node: string; phase: string };
      return `${data.node}:${data.phase}`;
    });
}
