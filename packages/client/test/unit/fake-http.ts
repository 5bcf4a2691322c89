import { type Envelope, historyPage } from '@herald/protocol';
import { vi } from 'vitest';

/** One answer the fake hub gives to a POST, instead of storing the event. */
export type PostAnswer = { status: number; body?: unknown } | 'network-error';

/**
 * A fake hub HTTP API for one channel store: `GET /v1/channels/{c}/events?after=N` pages and
 * `POST /v1/channels/{c}/events` storing `{type, data, id}` idempotently by id. Queue `answers` to make the
 * next POSTs fail instead.
 */
export function fakeHubHttp() {
  const channels = new Map<string, Envelope[]>();
  const gets: string[] = [];
  const posts: { channel: string; body: { type: string; data: unknown; id?: string }; auth?: string }[] = [];
  const answers: PostAnswer[] = [];
  const json = (status: number, body: unknown) => ({ ok: status < 300, status, json: async () => body });

  const store = (channel: string, type: string, data: unknown, id: string) => {
    const events = channels.get(channel) ?? [];
    channels.set(channel, events);
    const old = events.find((e) => e.id === id);
    if (old) return { id, seq: old.seq, duplicate: true };
    const seq = events.length + 1;
    events.push({ channel, seq, id, ts: '', type, data: data as never });
    return { id, seq };
  };

  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const channel = decodeURIComponent(url.pathname.split('/')[3] ?? '');
    const events = channels.get(channel) ?? [];
    if (init?.method === 'POST') {
      const body = JSON.parse(String(init.body)) as { type: string; data: unknown; id?: string };
      const auth = (init.headers as Record<string, string>).authorization;
      posts.push({ channel, body, ...(auth ? { auth } : {}) });
      const answer = answers.shift();
      if (answer === 'network-error') throw new TypeError('fetch failed');
      if (answer) return json(answer.status, answer.body ?? {});
      return json(201, { events: [store(channel, body.type, body.data, body.id ?? `auto${posts.length}`)] });
    }
    gets.push(url.pathname + url.search);
    const after = Number(url.searchParams.get('after'));
    const extent = { epoch: 'e1', firstSeq: 1, lastSeq: events.length }; // nothing is ever trimmed
    return json(
      200,
      historyPage(
        channel,
        extent,
        events.filter((e) => e.seq > after),
      ),
    );
  });

  return {
    fetch: fetch as unknown as typeof globalThis.fetch,
    gets,
    posts,
    answers,
    /** Stores an event as if another publisher had. */
    publish: (channel: string, n: number) => store(channel, 't', n, `ext${n}`),
    seqs: (channel: string) => (channels.get(channel) ?? []).map((e) => e.seq),
  };
}
