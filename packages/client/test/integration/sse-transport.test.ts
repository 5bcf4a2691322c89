import { ErrorCode } from '@herald/protocol';
import { createTestToken, startTestHub, type TestHub, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import type { ClientOptions, HeraldClient } from '../../src/types.js';
import { collect, FAST, range, type Scenario, scenario, stream } from './helpers.js';

// The SSE transport alone, against a real hub: Node has no EventSource, so it reads with fetch streaming.
const SSE: Partial<ClientOptions> = { transports: ['sse'] };

let s: Scenario | undefined;
let hub: TestHub | undefined;
const clients: HeraldClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await s?.cleanup();
  s = undefined;
  await hub?.close();
  hub = undefined;
});

function client(options: Partial<ClientOptions>): HeraldClient {
  const made = createClient({ url: hub?.url ?? '', ...FAST, ...SSE, ...options });
  clients.push(made);
  return made;
}

/** A fetch that records every request's URL and headers, then makes it for real. */
function recordingFetch() {
  const seen: { url: string; headers: Headers }[] = [];
  const fetcher: typeof fetch = (input, init) => {
    seen.push({ url: String(input), headers: new Headers(init?.headers) });
    return fetch(input, init);
  };
  return { seen, fetcher, streams: () => seen.filter((r) => r.url.includes('/stream?')) };
}

describe('SSE transport against a real hub', () => {
  it('streams exactly 1..N, across cuts and a dead link, resuming each channel from its position', async () => {
    s = await scenario({ heartbeatMs: 200 }, SSE);
    const a = collect(s.client, 'run:sse-a');
    const b = collect(s.client, 'run:sse-b');
    await waitFor(() => a.sub.position() !== null && b.sub.position() !== null);
    expect(s.client.getStatus().transport).toBe('sse');
    expect(s.hub.stats().sseStreams).toBe(2);
    const pubA = stream(s.hub, 'run:sse-a', 300, 3);
    const pubB = stream(s.hub, 'run:sse-b', 100, 9);
    await waitFor(() => a.events.length >= 50);
    s.proxy.cutAll();
    await waitFor(() => a.events.length >= 150, { timeoutMs: 15_000 });
    // A dead link carries no FIN: only the missing hub pings (two heartbeats) tell the stream is gone.
    s.proxy.blackhole(true);
    await waitFor(() => s?.client.getStatus().state !== 'connected', { timeoutMs: 5_000 });
    s.proxy.blackhole(false);
    await Promise.all([pubA.done, pubB.done]);
    await waitFor(() => expect(a.seqs()).toEqual(range(300)), { timeoutMs: 20_000 });
    await waitFor(() => expect(b.seqs()).toEqual(range(100)), { timeoutMs: 20_000 });
    expect([a.gaps, b.gaps]).toEqual([[], []]);
    expect(s.client.stats().reconnects).toBeGreaterThanOrEqual(2);
    expect(s.client.getStatus().transport).toBe('sse');
  });

  it('unsubscribing aborts that channel stream only; closing the client aborts the rest', async () => {
    hub = await startTestHub();
    const c = client({});
    const one = collect(c, 'run:one');
    const two = collect(c, 'run:two');
    await waitFor(() => hub?.stats().sseStreams === 2);
    one.sub.unsubscribe();
    await waitFor(() => hub?.stats().sseStreams === 1);
    await hub.publish('run:two', [{ type: 'tick', data: 1 }]);
    await waitFor(() => two.events.length === 1);
    c.close();
    await waitFor(() => hub?.stats().sseStreams === 0);
  });

  it('raises one gap when the hub restarts with a new epoch (memory store), then goes on in the new one', async () => {
    s = await scenario({}, SSE);
    const got = collect(s.client, 'run:sse-gap');
    await waitFor(() => got.sub.position() !== null);
    await stream(s.hub, 'run:sse-gap', 20, 0).done;
    await waitFor(() => got.events.length === 20);
    const oldEpoch = got.sub.position()?.epoch;
    await s.hub.restart();
    await waitFor(() => got.gaps.length === 1, { timeoutMs: 15_000 });
    expect(got.gaps[0]).toMatchObject({
      channel: 'run:sse-gap',
      last: { epoch: oldEpoch, seq: 20 },
      lastSeq: 0,
    });
    await s.hub.publish('run:sse-gap', [{ type: 'tick', data: 'after' }]);
    await waitFor(() => got.events.length === 21);
    expect(got.events[20]?.seq).toBe(1);
    expect(got.sub.position()?.epoch).not.toBe(oldEpoch);
    expect(got.gaps).toHaveLength(1);
  });

  it('raises a gap for a position older than the history, then delivers the events after lastSeq', async () => {
    hub = await startTestHub({ retention: { maxCount: 50 } });
    const c = client({});
    await stream(hub, 'run:sse-old', 200, 0).done;
    const epoch = (
      (await (await fetch(`${hub.url}/v1/channels/run:sse-old/events?limit=1`)).json()) as {
        epoch: string;
      }
    ).epoch;
    const events: number[] = [];
    const gaps: unknown[] = [];
    c.subscribe('run:sse-old', {
      since: { epoch, seq: 3 },
      onEvent: (e) => events.push(e.seq),
      onGap: (g) => gaps.push(g),
    });
    await waitFor(() => gaps.length === 1);
    expect(gaps[0]).toMatchObject({ channel: 'run:sse-old', last: { epoch, seq: 3 }, lastSeq: 200 });
    await hub.publish('run:sse-old', [{ type: 'tick', data: 201 }]);
    await waitFor(() => expect(events).toEqual([201]));
  });

  it('resumes a position that history covers without a gap, and one of another epoch with a gap', async () => {
    hub = await startTestHub();
    await stream(hub, 'run:sse-resume', 30, 0).done;
    const page = (await (await fetch(`${hub.url}/v1/channels/run:sse-resume/events?limit=1`)).json()) as {
      epoch: string;
    };
    const c = client({});
    const same: number[] = [];
    const other: { seqs: number[]; gaps: unknown[] } = { seqs: [], gaps: [] };
    const sameGaps: unknown[] = [];
    c.subscribe('run:sse-resume', {
      since: { epoch: page.epoch, seq: 25 },
      onEvent: (e) => same.push(e.seq),
      onGap: (g) => sameGaps.push(g),
    });
    await waitFor(() => expect(same).toEqual([26, 27, 28, 29, 30]));
    const c2 = client({});
    c2.subscribe('run:sse-resume', {
      since: { epoch: 'an-old-epoch', seq: 10 },
      onEvent: (e) => other.seqs.push(e.seq),
      onGap: (g) => other.gaps.push(g),
    });
    await waitFor(() => other.gaps.length === 1);
    expect(other.gaps[0]).toMatchObject({ lastSeq: 30 });
    await hub.publish('run:sse-resume', [{ type: 'tick', data: 31 }]);
    await waitFor(() => other.seqs.length === 1 && same.length === 6);
    expect(other.seqs).toEqual([31]);
    expect(sameGaps).toEqual([]);
  });

  it('publishes over HTTP while on SSE: acked with the stored seq, and delivered once', async () => {
    hub = await startTestHub();
    const c = client({});
    const got = collect(c, 'run:sse-pub');
    await waitFor(() => got.sub.position() !== null);
    const acks = await Promise.all([1, 2, 3].map((n) => c.publish('run:sse-pub', 'note', { n })));
    expect(acks.map((a) => a.seq)).toEqual([1, 2, 3]);
    await waitFor(() => expect(got.data()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]));
    expect(c.getStatus().transport).toBe('sse');
  });

  it('sends the token as a bearer header with fetch streaming, never in the URL', async () => {
    const secret = 'sse-secret-for-tests-0123456789';
    hub = await startTestHub({ auth: { jwtSecret: secret } });
    const recorder = recordingFetch();
    const c = client({
      getToken: () => createTestToken({ secret, expiresInSec: 60 }),
      environment: { fetch: recorder.fetcher },
    });
    const got = collect(c, 'run:sse-auth');
    await waitFor(() => got.sub.position() !== null);
    await hub.publish('run:sse-auth', [{ type: 'tick', data: 1 }]);
    await waitFor(() => got.events.length === 1);
    const [request] = recorder.streams();
    expect(request?.headers.get('authorization')).toMatch(/^Bearer ey/);
    expect(request?.url).not.toContain('token=');
  });

  it('fails with ERR_UNAUTHORIZED when the hub refuses the token, after one retry with a fresh one', async () => {
    hub = await startTestHub({ auth: { jwtSecret: 'the-real-secret-0123456789abcdef' } });
    let asked = 0;
    const c = client({
      getToken: () => {
        asked++;
        return createTestToken({ secret: 'a-wrong-secret-0123456789abcdef', expiresInSec: 60 });
      },
    });
    collect(c, 'run:sse-denied');
    await waitFor(() => c.getStatus().state === 'failed', { timeoutMs: 10_000 });
    expect(c.getStatus().lastError?.code).toBe(ErrorCode.Unauthorized);
    expect(asked).toBe(2);
    expect(hub.stats().sseStreams).toBe(0);
  });
});
