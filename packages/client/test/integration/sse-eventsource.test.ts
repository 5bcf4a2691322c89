import { ErrorCode } from '@herald/protocol';
import { createTestToken, waitFor } from '@herald/testing';
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientOptions, EventSourceConstructorLike, HeraldClient } from '../../src/types.js';
import { collect, range, type Scenario, scenario, stream } from './helpers.js';

// The SSE transport's EventSource path (the one browsers take), read in Node by the `eventsource`
// package, a WhatWG EventSource: the token travels as `?token=`, a refusal's code is asked for with one
// fetch, and a stream that ends closes the transport so the client's own policy reconnects and resumes.

const SECRET = 'sse-eventsource-secret-0123456789abcdef';

/** The `eventsource` package's EventSource, with every stream URL it opens recorded. */
function recordingEventSource() {
  const urls: string[] = [];
  const Source = class extends EventSource {
    constructor(url: string) {
      super(url);
      urls.push(url);
    }
  } as unknown as EventSourceConstructorLike;
  return { Source, urls };
}

let s: Scenario | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

async function withEventSource(
  hubOptions: Parameters<typeof scenario>[0],
  options: Partial<ClientOptions>,
): Promise<{ s: Scenario; urls: string[]; client: HeraldClient }> {
  const { Source, urls } = recordingEventSource();
  s = await scenario(hubOptions, {
    transports: ['sse'],
    environment: { EventSource: Source },
    ...options,
  });
  return { s, urls, client: s.client };
}

describe('SSE transport over an EventSource', () => {
  it('streams exactly 1..N across cuts, with the token in the stream URL', async () => {
    const token = await createTestToken({ secret: SECRET, expiresInSec: 600 });
    const { s, urls, client } = await withEventSource(
      { heartbeatMs: 200, auth: { jwtSecret: SECRET } },
      { getToken: () => token },
    );
    const got = collect(client, 'run:es');
    await waitFor(() => got.sub.position() !== null);
    expect(client.getStatus()).toMatchObject({ state: 'connected', transport: 'sse' });
    expect(new URL(urls[0] ?? 'http://x').searchParams.get('token')).toBe(token);
    const pub = stream(s.hub, 'run:es', 200, 3);
    await waitFor(() => got.events.length >= 40);
    s.proxy.cutAll(); // the stream ends: the transport closes, the client reconnects and resumes
    await waitFor(() => got.events.length >= 120, { timeoutMs: 15_000 });
    s.proxy.cutAll();
    await pub.done;
    await waitFor(() => expect(got.seqs()).toEqual(range(200)), { timeoutMs: 20_000 });
    expect(got.gaps).toEqual([]);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    expect(client.stats().reconnects).toBeGreaterThanOrEqual(2);
  });

  it('learns why the stream was refused: a bad token fails with ERR_UNAUTHORIZED', async () => {
    const bad = await createTestToken({ secret: 'not-the-hub-secret-0123456789abcdef', expiresInSec: 600 });
    const { client } = await withEventSource({ auth: { jwtSecret: SECRET } }, { getToken: () => bad });
    collect(client, 'run:es-refused');
    await waitFor(() => client.state === 'failed', { timeoutMs: 10_000 });
    expect(client.getStatus().lastError?.code).toBe(ErrorCode.Unauthorized);
  });
});
