import { waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { plainWebSocketSource } from '../../src/sources/index.js';
import type { HeraldClient } from '../../src/types.js';
import { quick, record } from './record.js';
import { type RunEvent, startJsonWsServer } from './servers.js';

type Server = Awaited<ReturnType<typeof startJsonWsServer>>;
let server: Server | undefined;
let client: HeraldClient | undefined;
afterEach(async () => {
  client?.close();
  await server?.stop();
  client = server = undefined;
});

/** Seed 000's mapping: a run's events on `run:<run_id>`, typed `<node>.<phase>`. */
const runMapping = {
  channel: (m: RunEvent) => (m.run_id ? `run:${m.run_id}` : undefined),
  id: (m: RunEvent) => `${m.run_id}:${m.node}:${m.phase}:${m.ts}`,
  type: (m: RunEvent) => `${m.node}.${m.phase}`,
  data: (m: RunEvent) => ({ node: m.node, phase: m.phase, n: m.n }),
};

const ev = (n: number, run_id = 'r1'): Omit<RunEvent, 'ts'> => ({ run_id, node: 'PLAN', phase: 'end', n });

describe('plainWebSocketSource against a ws server speaking plain JSON', () => {
  it('maps messages to events of their channel, numbered 1..n, and goes connecting -> connected', async () => {
    server = await startJsonWsServer();
    client = plainWebSocketSource<RunEvent>({ url: server.url, WebSocket, ...runMapping, ...quick });
    const r = record(client, 'run:r1');
    const other = record(client, 'run:r2');
    await waitFor(() => client!.state === 'connected' && server!.clients().length === 1);
    await waitFor(() => r.subscribed.length === 1);
    server.emit(ev(1));
    server.emit(ev(1, 'r2'));
    server.raw('{"type":"pong"}'); // no run_id: not an event
    server.raw('not json');
    server.emit(ev(2));
    await waitFor(() => r.events.length === 2 && other.events.length === 1);
    expect(r.events.map((e) => [e.channel, e.seq, e.type, e.data])).toEqual([
      ['run:r1', 1, 'PLAN.end', { node: 'PLAN', phase: 'end', n: 1 }],
      ['run:r1', 2, 'PLAN.end', { node: 'PLAN', phase: 'end', n: 2 }],
    ]);
    expect(r.events[0]!.ts).toBe(new Date(1_700_000_000_001).toISOString());
    expect(other.seqs()).toEqual([1]);
    expect(r.states).toEqual(['idle', 'connecting', 'connected']);
    expect(client.getStatus().transport).toBe('custom');
  });

  it('drops a message repeated by the backend (same id), live and after a reconnect', async () => {
    server = await startJsonWsServer();
    client = plainWebSocketSource<RunEvent>({ url: server.url, WebSocket, ...runMapping, ...quick });
    const r = record(client, 'run:r1');
    await waitFor(() => r.subscribed.length === 1);
    server.emit(ev(1), { times: 3 });
    server.emit(ev(2));
    await waitFor(() => r.events.length === 2);
    server.cut();
    await waitFor(() => r.subscribed.length === 2 && client!.state === 'connected');
    // A backend that sends its backlog again on every connection: nothing is delivered twice.
    server.raw(JSON.stringify({ ...ev(1), ts: new Date(1_700_000_000_001).toISOString() }));
    server.raw(JSON.stringify({ ...ev(2), ts: new Date(1_700_000_000_002).toISOString() }));
    server.emit(ev(3));
    await waitFor(() => r.events.length === 3);
    expect(r.ns()).toEqual([1, 2, 3]);
    expect(r.seqs()).toEqual([1, 2, 3]);
  });

  it('without an id mapping or id field, an exact repeat counts once (the message hash is its id)', async () => {
    server = await startJsonWsServer();
    const { id: _noId, ...noIds } = runMapping;
    client = plainWebSocketSource<RunEvent>({ url: server.url, WebSocket, ...noIds, ...quick });
    const r = record(client, 'run:r1');
    await waitFor(() => r.subscribed.length === 1);
    const first = JSON.stringify({ ...ev(1), ts: new Date(1_700_000_000_001).toISOString() });
    server.raw(first);
    server.raw(first); // the same bytes again: one event
    server.raw(JSON.stringify({ ...ev(1), ts: new Date(1_700_000_000_002).toISOString() })); // differs: a new one
    server.emit(ev(2));
    await waitFor(() => r.events.length === 3);
    expect(r.ns()).toEqual([1, 1, 2]);
    expect(new Set(r.events.map((e) => e.id)).size).toBe(3);
    expect(r.events[0]!.id).toMatch(/^h[0-9a-z]+$/);
  });

  it('without resume, a reconnect after a cut raises one gap (recovered: false) and goes on from there', async () => {
    server = await startJsonWsServer();
    client = plainWebSocketSource<RunEvent>({ url: server.url, WebSocket, ...runMapping, ...quick });
    const r = record(client, 'run:r1');
    await waitFor(() => r.subscribed.length === 1);
    server.emit(ev(1));
    server.emit(ev(2));
    await waitFor(() => r.events.length === 2);
    server.cut();
    server.emit(ev(3), { live: false }); // happens while the client is away: lost to it
    await waitFor(() => r.subscribed.length === 2);
    expect(r.states).toContain('reconnecting');
    expect(r.subscribed[1]).toMatchObject({ recovered: false, lastSeq: 2 });
    const { epoch } = r.subscribed[0]!;
    expect(r.gaps).toEqual([{ channel: 'run:r1', last: { epoch, seq: 2 }, epoch, lastSeq: 2 }]);
    server.emit(ev(4));
    await waitFor(() => r.events.length === 3);
    expect(r.seqs()).toEqual([1, 2, 3]);
    expect(r.ns()).toEqual([1, 2, 4]);
    expect(client.stats()).toMatchObject({ gaps: 1, reconnects: 1 });
  });

  it('resumes with nothing lost or repeated when the subscribe message carries the position and the backend replays', async () => {
    server = await startJsonWsServer({ replays: true });
    client = plainWebSocketSource<RunEvent>({
      url: server.url,
      WebSocket,
      ...runMapping,
      ...quick,
      order: (m) => m.n,
      subscribeMessage: (channel, resume) => ({
        action: 'subscribe',
        run_id: channel.slice(4),
        after: resume?.lastOrder ?? 0,
      }),
      resumes: true,
    });
    const r = record(client, 'run:r1');
    await waitFor(() => r.subscribed.length === 1);
    server.emit(ev(1));
    server.emit(ev(2));
    await waitFor(() => r.events.length === 2);
    server.cut();
    server.emit(ev(3), { live: false });
    server.emit(ev(4), { live: false });
    await waitFor(() => r.events.length === 4);
    server.emit(ev(5));
    await waitFor(() => r.events.length === 5);
    expect(r.ns()).toEqual([1, 2, 3, 4, 5]);
    expect(r.seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(r.gaps).toEqual([]);
    expect(r.subscribed.map((s) => s.recovered)).toEqual([true, true]);
    expect(server.received).toEqual([
      { action: 'subscribe', run_id: 'r1', after: 0 },
      { action: 'subscribe', run_id: 'r1', after: 2 },
    ]);
  });

  it('reconnects after the backend restarts, with a token in the URL from getToken', async () => {
    server = await startJsonWsServer();
    const base = server.url;
    let tokens = 0;
    client = plainWebSocketSource<RunEvent>({
      url: (token) => `${base}?token=${token}`,
      getToken: () => `t${++tokens}`,
      WebSocket,
      ...runMapping,
      ...quick,
    });
    const r = record(client, 'run:r1');
    await waitFor(() => r.subscribed.length === 1);
    server.emit(ev(1));
    await waitFor(() => r.events.length === 1);
    await server.stop();
    await waitFor(() => client!.getStatus().attempt >= 2);
    expect(client.state).toBe('reconnecting');
    await server.restart();
    await waitFor(() => r.subscribed.length === 2 && client!.state === 'connected');
    server.emit(ev(2));
    await waitFor(() => r.events.length === 2);
    expect(r.seqs()).toEqual([1, 2]);
    expect(r.gaps).toHaveLength(1);
    expect(server.urls[0]).toBe('/events?token=t1');
    expect(server.urls.at(-1)).toMatch(/^\/events\?token=t\d+$/);
    expect(server.urls.at(-1)).not.toBe('/events?token=t1');
  });

  it('a channel followed again from its last position after an unsubscribe gets a gap (it missed events)', async () => {
    server = await startJsonWsServer();
    client = plainWebSocketSource<RunEvent>({
      url: server.url,
      WebSocket,
      ...runMapping,
      ...quick,
      lazy: false,
    });
    const first = record(client, 'run:r1');
    await waitFor(() => first.subscribed.length === 1);
    server.emit(ev(1));
    await waitFor(() => first.events.length === 1);
    const position = first.subscription.position()!;
    first.subscription.unsubscribe();
    server.emit(ev(2)); // nobody follows run:r1 now
    const gaps: unknown[] = [];
    const got: number[] = [];
    client.subscribe('run:r1', {
      since: position,
      onGap: (g) => gaps.push(g),
      onEvent: (e) => got.push(e.seq),
    });
    await waitFor(() => gaps.length === 1);
    server.emit(ev(3));
    await waitFor(() => got.length === 1);
    expect(got).toEqual([2]);
  });

  it('publishes through publishMessage (acked once written), and refuses without one', async () => {
    server = await startJsonWsServer();
    client = plainWebSocketSource<RunEvent>({
      url: server.url,
      WebSocket,
      ...runMapping,
      ...quick,
      publishMessage: (e) => ({
        action: 'publish',
        channel: e.channel,
        type: e.type,
        data: e.data,
        id: e.id,
      }),
    });
    const ack = await client.publish('run:r1', 'note', { text: 'hi' }, { id: 'p1' });
    expect(ack).toMatchObject({ channel: 'run:r1', id: 'p1', seq: 0 });
    await waitFor(() => server!.received.length === 1);
    expect(server.received[0]).toEqual({
      action: 'publish',
      channel: 'run:r1',
      type: 'note',
      data: { text: 'hi' },
      id: 'p1',
    });
    const readOnly = plainWebSocketSource<RunEvent>({ url: server.url, WebSocket, ...runMapping, ...quick });
    await expect(readOnly.publish('run:r1', 'note', {})).rejects.toMatchObject({
      code: 'ERR_METHOD_NOT_ALLOWED',
    });
    readOnly.close();
  });
});
