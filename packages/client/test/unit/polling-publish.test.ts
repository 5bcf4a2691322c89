import { ErrorCode, HeraldError } from '@herald/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientOptions } from '../../src/types.js';
import { fakeHubHttp } from './fake-http.js';
import { fakeClient, run, settle, useFakeTime } from './fakes.js';

beforeEach(useFakeTime);
afterEach(() => {
  vi.useRealTimers();
});

async function polling(extra: Partial<ClientOptions> = {}) {
  const http = fakeHubHttp();
  const { client } = fakeClient({
    transports: ['polling'],
    upgradeIntervalMs: 0,
    backoff: { initialMs: 1000 },
    ...extra,
    environment: { fetch: http.fetch },
  });
  client.connect();
  await run();
  expect(client.getStatus()).toMatchObject({ state: 'connected', transport: 'polling' });
  return { client, http };
}

describe('publishing while polling', () => {
  it('POSTs each publish with its event id and token, one at a time in order, and maps 201 to the ack', async () => {
    const { client, http } = await polling({ getToken: () => 'tok' });
    const acks = Promise.all([
      client.publish('a', 'msg', { n: 1 }, { id: 'x1' }),
      client.publish('b', 'msg', { n: 2 }, { id: 'x2' }),
      client.publish('a', 'msg', { n: 3 }, { id: 'x3' }),
    ]);
    await run();
    expect(await acks).toEqual([
      { channel: 'a', id: 'x1', seq: 1, duplicate: false },
      { channel: 'b', id: 'x2', seq: 1, duplicate: false },
      { channel: 'a', id: 'x3', seq: 2, duplicate: false },
    ]);
    expect(http.posts.map((p) => [p.channel, p.body.id, p.auth])).toEqual([
      ['a', 'x1', 'Bearer tok'],
      ['b', 'x2', 'Bearer tok'],
      ['a', 'x3', 'Bearer tok'],
    ]);
    // An id the hub already stored answers with its seq and duplicate: true.
    const again = client.publish('a', 'msg', { n: 1 }, { id: 'x1' });
    await run();
    await expect(again).resolves.toEqual({ channel: 'a', id: 'x1', seq: 1, duplicate: true });
    expect(http.seqs('a')).toEqual([1, 2]);
    client.close();
  });

  it('rejects on a 4xx refusal with the coded HeraldError from the body', async () => {
    const { client, http } = await polling();
    http.answers.push({
      status: 403,
      body: { error: { code: ErrorCode.Forbidden, message: 'not allowed', retryable: false } },
    });
    const refused = client.publish('a', 'msg', 1);
    const caught = refused.catch((e: unknown) => e);
    await run();
    const error = await caught;
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({ code: ErrorCode.Forbidden, message: 'not allowed', retryable: false });
    expect(http.posts).toHaveLength(1);
    expect(client.stats().outboxDepth).toBe(0);
    client.close();
  });

  it('keeps 5xx, 429 and network failures queued and retries them with the same id', async () => {
    const { client, http } = await polling();
    http.answers.push(
      {
        status: 503,
        body: { error: { code: ErrorCode.ShuttingDown, message: 'draining', retryable: true } },
      },
      {
        status: 429,
        body: { error: { code: ErrorCode.RateLimited, message: 'slow down', retryable: true } },
      },
      'network-error',
    );
    const ack = client.publish('a', 'msg', 1, { id: 'r1' });
    await run();
    expect(http.posts).toHaveLength(1);
    expect(client.stats().outboxDepth).toBe(1);
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      await settle();
    }
    await expect(ack).resolves.toEqual({ channel: 'a', id: 'r1', seq: 1, duplicate: false });
    expect(http.posts.map((p) => p.body.id)).toEqual(['r1', 'r1', 'r1', 'r1']);
    client.close();
  });

  it('drops a message after maxRetries failed sends with ERR_OUTBOX_EXPIRED', async () => {
    const { client, http } = await polling({ outbox: { maxRetries: 1 } });
    http.answers.push({ status: 500, body: {} }, 'network-error');
    const ack = client.publish('a', 'msg', 1);
    const caught = ack.catch((e: unknown) => e);
    await run();
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(await caught).toMatchObject({ code: ErrorCode.OutboxExpired });
    expect(http.posts).toHaveLength(2);
    client.close();
  });

  it('treats a non-JSON or empty error answer as retryable only when the status says so', async () => {
    const { client, http } = await polling();
    http.answers.push({ status: 400, body: {} });
    const caught = client.publish('a', 'msg', 1).catch((e: unknown) => e);
    await run();
    expect(await caught).toMatchObject({ code: ErrorCode.Internal, message: 'publish answered HTTP 400' });
    client.close();
  });
});
