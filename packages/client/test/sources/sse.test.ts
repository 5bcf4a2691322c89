import { waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { sseSource } from '../../src/sources/index.js';
import type { HeraldClient } from '../../src/types.js';
import { quick, record } from './record.js';
import { startSseServer } from './servers.js';

type Server = Awaited<ReturnType<typeof startSseServer>>;
let server: Server | undefined;
let client: HeraldClient | undefined;
afterEach(async () => {
  client?.close();
  await server?.stop();
  client = server = undefined;
});

/** Seed 004's PurposePath: named domain events (`goal.created`) of one tenant, snake_case data. */
const goals = { channel: 'tenant:t1:goals', ...quick };
const goal = (n: number) => ({ goal_id: `g${n}`, n });

describe('sseSource against a node:http SSE server', () => {
  it('delivers named events with their type, data and SSE id, and sends the bearer token', async () => {
    server = await startSseServer();
    client = sseSource({ url: server.url, getToken: () => 'tok', ...goals });
    const r = record(client, 'tenant:t1:goals');
    await waitFor(() => r.subscribed.length === 1 && server!.streams() === 1);
    server.push(goal(1), { event: 'goal.created' });
    server.push({ type: 'action.status_changed', data: { n: 2 }, ts: '2026-01-01T00:00:00.000Z' });
    await waitFor(() => r.events.length === 2);
    expect(r.events.map((e) => [e.seq, e.id, e.type, e.data])).toEqual([
      [1, '1', 'goal.created', { goal_id: 'g1', n: 1 }],
      // An unnamed event is read like a plain JSON message: its type, data and ts fields.
      [2, '2', 'action.status_changed', { n: 2 }],
    ]);
    expect(r.events[1]!.ts).toBe('2026-01-01T00:00:00.000Z');
    expect(server.requests[0]).toMatchObject({ authorization: 'Bearer tok', accept: 'text/event-stream' });
    expect(server.requests[0]!['last-event-id']).toBeUndefined();
    expect(r.states).toEqual(['idle', 'connecting', 'connected']);
  });

  it('resumes through Last-Event-ID when the backend honours it: nothing lost, nothing repeated, no gap', async () => {
    server = await startSseServer({ honoursLastEventId: true });
    client = sseSource({ url: server.url, resumes: true, ...goals });
    const r = record(client, 'tenant:t1:goals');
    await waitFor(() => r.subscribed.length === 1 && server!.streams() === 1);
    server.push(goal(1), { event: 'goal.created' });
    server.push(goal(2), { event: 'goal.created', times: 2 }); // a repeat on the stream
    await waitFor(() => r.events.length === 2);
    server.cut();
    server.push(goal(3), { event: 'goal.created', live: false });
    server.push(goal(4), { event: 'goal.created', live: false });
    await waitFor(() => r.events.length === 4);
    server.push(goal(5), { event: 'goal.created' });
    await waitFor(() => r.events.length === 5);
    expect(r.ns()).toEqual([1, 2, 3, 4, 5]);
    expect(r.seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(r.gaps).toEqual([]);
    expect(r.subscribed.map((s) => s.recovered)).toEqual([true, true]);
    expect(server.requests[1]!['last-event-id']).toBe('2');
    expect(r.states).toEqual(['idle', 'connecting', 'connected', 'reconnecting', 'connecting', 'connected']);
  });

  it('against a backend that ignores Last-Event-ID: a gap after the reconnect, repeats dropped by id', async () => {
    server = await startSseServer({ honoursLastEventId: false });
    client = sseSource({ url: server.url, ...goals });
    const r = record(client, 'tenant:t1:goals');
    await waitFor(() => r.subscribed.length === 1 && server!.streams() === 1);
    server.push(goal(1), { event: 'goal.created' });
    await waitFor(() => r.events.length === 1);
    server.cut();
    server.push(goal(2), { event: 'goal.created', live: false }); // lost to the client
    await waitFor(() => r.subscribed.length === 2);
    expect(r.subscribed[1]).toMatchObject({ recovered: false, lastSeq: 1 });
    expect(r.gaps).toHaveLength(1);
    expect(r.gaps[0]).toMatchObject({ channel: 'tenant:t1:goals', lastSeq: 1 });
    server.push(goal(3), { event: 'goal.created', times: 2 });
    await waitFor(() => r.events.length === 2);
    expect(r.ns()).toEqual([1, 3]);
    expect(r.seqs()).toEqual([1, 2]);
    // The client still sent Last-Event-ID; this backend just does not use it.
    expect(server.requests[1]!['last-event-id']).toBe('1');
  });

  it('even with resumes set, a reconnect before any event had an id is a gap (nothing to resume from)', async () => {
    server = await startSseServer({ honoursLastEventId: true });
    client = sseSource({ url: server.url, resumes: true, ...goals });
    const r = record(client, 'tenant:t1:goals');
    await waitFor(() => r.subscribed.length === 1 && server!.streams() === 1);
    server.cut();
    await waitFor(() => r.subscribed.length === 2);
    expect(r.subscribed[1]!.recovered).toBe(false);
    expect(r.gaps).toHaveLength(1);
  });

  it('reconnects with backoff while the endpoint refuses (HTTP 503), and after a restart', async () => {
    server = await startSseServer();
    client = sseSource({ url: server.url, resumes: true, ...goals });
    const r = record(client, 'tenant:t1:goals');
    await waitFor(() => r.subscribed.length === 1);
    server.push(goal(1), { event: 'goal.created' });
    await waitFor(() => r.events.length === 1);
    server.setStatus(503);
    server.cut();
    // Between attempts (an attempt in flight reads `connecting` with the same count).
    await waitFor(() => {
      const { attempt, state } = client!.getStatus();
      return attempt >= 2 && state === 'reconnecting';
    });
    expect(client.getStatus().lastError?.message).toContain('HTTP 503');
    await server.stop();
    server.setStatus(200);
    server.push(goal(2), { event: 'goal.created', live: false });
    await server.restart();
    await waitFor(() => r.events.length === 2);
    expect(r.ns()).toEqual([1, 2]);
    expect(r.gaps).toEqual([]);
  });

  it('asks getToken again once after HTTP 401, and stops for good on a second refusal', async () => {
    server = await startSseServer({ status: 401 });
    let calls = 0;
    client = sseSource({ url: server.url, getToken: () => `t${++calls}`, ...goals });
    record(client, 'tenant:t1:goals');
    await waitFor(() => client!.state === 'failed');
    expect(server.requests.map((h) => h.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
    expect(client.getStatus().lastError?.code).toBe('ERR_UNAUTHORIZED');
  });
});
