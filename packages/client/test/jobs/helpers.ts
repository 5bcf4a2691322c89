import type { Envelope, JsonValue, StateBody } from '@herald/protocol';
import { http } from '@herald/testing';

/** The channel's state as the hub answers `GET /v1/channels/{channel}/state`. */
export async function hubState(url: string, channel: string, token?: string): Promise<StateBody> {
  const res = await http(`${url}/v1/channels/${encodeURIComponent(channel)}/state`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (res.status !== 200) throw new Error(`GET state answered ${res.status}: ${res.text}`);
  return res.body as StateBody;
}

/** Every stored event of `channel`, read page by page. */
export async function history(url: string, channel: string, token?: string): Promise<Envelope[]> {
  const out: Envelope[] = [];
  for (;;) {
    const res = await http(
      `${url}/v1/channels/${encodeURIComponent(channel)}/events?after=${out.length}&limit=1000`,
      { headers: token ? { authorization: `Bearer ${token}` } : {} },
    );
    const page = res.body as { events: Envelope[]; lastSeq: number };
    out.push(...page.events);
    if (page.events.length === 0 || out.length >= page.lastSeq) return out;
  }
}

/** A fetch that counts the requests it passes on, and can lose answers (the request reached the hub). */
export function countingFetch(loseAnswers = 0): { fetch: typeof fetch; requests: () => number } {
  let requests = 0;
  let toLose = loseAnswers;
  const counted: typeof fetch = async (input, init) => {
    requests++;
    const res = await fetch(input, init);
    if (toLose > 0) {
      toLose--;
      await res.arrayBuffer();
      throw new TypeError('fetch failed (answer lost on the way back)');
    }
    return res;
  };
  return { fetch: counted, requests: () => requests };
}

/** The `data` of each event, by type, in seq order. */
export const typesOf = (events: readonly Envelope[]): string[] => events.map((e) => e.type);

/** Plain JSON copy, to compare documents without undefined fields. */
export const json = (v: unknown): JsonValue => JSON.parse(JSON.stringify(v)) as JsonValue;
