import { waitFor } from '@herald/testing';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type SocketIoMessage, socketIoSource } from '../../src/sources/index.js';
import type { HeraldClient } from '../../src/types.js';
import { quick, record } from './record.js';
import { startSocketIoServer } from './servers.js';

type Server = Awaited<ReturnType<typeof startSocketIoServer>>;
let server: Server | undefined;
let client: HeraldClient | undefined;
afterEach(async () => {
  client?.close();
  await server?.stop();
  client = server = undefined;
});

/** Seed 003's generation jobs: `generation:<id>` rooms, events named by type, each with its job id and n. */
const jobs = (url: string) => ({
  url,
  io, // socket.io-client's own `io`, passed by the app
  ioOptions: { transports: ['websocket'] },
  channel: (m: SocketIoMessage) => {
    const id = (m.args[0] as { generation_id?: string } | undefined)?.generation_id;
    return id ? `generation:${id}` : undefined;
  },
  id: (m: SocketIoMessage) => `${m.event}:${(m.args[0] as { n: number }).n}`,
  subscribeEmit: (channel: string) => ['join', channel] as const,
  unsubscribeEmit: (channel: string) => ['leave', channel] as const,
  ...quick,
});
const progress = (n: number) => ({ generation_id: 'g1', n, percentage: n * 10 });

describe('socketIoSource against a socket.io server', () => {
  it('joins the room of each channel, maps events by name and sends the token in auth', async () => {
    server = await startSocketIoServer();
    client = socketIoSource({ ...jobs(server.url), getToken: () => 'tok' });
    const r = record(client, 'generation:g1');
    await waitFor(() => r.subscribed.length === 1 && server!.sockets() === 1);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the join reaches the server
    server.emit('generation:g1', 'progress', progress(1));
    server.emit('generation:g1', 'clip_completed', { generation_id: 'g1', n: 2, clip_id: 'c1' });
    await waitFor(() => r.events.length === 2);
    expect(r.events.map((e) => [e.channel, e.seq, e.type, e.id])).toEqual([
      ['generation:g1', 1, 'progress', 'progress:1'],
      ['generation:g1', 2, 'clip_completed', 'clip_completed:2'],
    ]);
    expect(r.events[0]!.data).toEqual(progress(1));
    expect(server.auths[0]).toEqual({ token: 'tok' });
    expect(r.states).toEqual(['idle', 'connecting', 'connected']);
    r.subscription.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.emit('generation:g1', 'progress', progress(3));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.events).toHaveLength(2);
  });

  it('drops repeated emits (same id), and with connection state recovery resumes a cut with no gap', async () => {
    server = await startSocketIoServer({ recovery: true });
    client = socketIoSource(jobs(server.url));
    const r = record(client, 'generation:g1');
    await waitFor(() => r.subscribed.length === 1 && server!.sockets() === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.emit('generation:g1', 'progress', progress(1));
    server.emit('generation:g1', 'progress', progress(1)); // the server sends it twice
    server.emit('generation:g1', 'progress', progress(2));
    await waitFor(() => r.events.length === 2);
    server.cut();
    await waitFor(() => server!.sockets() === 0);
    server.emit('generation:g1', 'progress', progress(3)); // kept by socket.io for the session
    server.emit('generation:g1', 'progress', progress(4));
    await waitFor(() => r.events.length === 4);
    expect(r.ns()).toEqual([1, 2, 3, 4]);
    expect(r.seqs()).toEqual([1, 2, 3, 4]);
    expect(r.subscribed.map((s) => s.recovered)).toEqual([true, true]);
    expect(r.gaps).toEqual([]);
    expect(r.states).toContain('reconnecting');
  });

  it('without recovery a cut is a gap; after a server restart (recovery lost too) it reconnects with a gap', async () => {
    server = await startSocketIoServer({ recovery: true });
    client = socketIoSource(jobs(server.url));
    const r = record(client, 'generation:g1');
    await waitFor(() => r.subscribed.length === 1 && server!.sockets() === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.emit('generation:g1', 'progress', progress(1));
    await waitFor(() => r.events.length === 1);
    await server.stop();
    await waitFor(() => client!.getStatus().attempt >= 2);
    await server.restart();
    await waitFor(() => r.subscribed.length === 2 && server!.sockets() === 1);
    expect(r.subscribed[1]).toMatchObject({ recovered: false, lastSeq: 1 });
    expect(r.gaps).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the room is joined again on the new server
    server.emit('generation:g1', 'progress', progress(5));
    await waitFor(() => r.events.length === 2);
    expect(r.seqs()).toEqual([1, 2]);
    expect(r.ns()).toEqual([1, 5]);
  });

  it('a server without recovery: a cut raises a gap and events continue in order', async () => {
    server = await startSocketIoServer({ recovery: false });
    client = socketIoSource(jobs(server.url));
    const r = record(client, 'generation:g1');
    await waitFor(() => r.subscribed.length === 1 && server!.sockets() === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.emit('generation:g1', 'progress', progress(1));
    await waitFor(() => r.events.length === 1);
    server.cut();
    await waitFor(() => r.subscribed.length === 2);
    expect(r.subscribed[1]!.recovered).toBe(false);
    expect(r.gaps).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.emit('generation:g1', 'progress', progress(2));
    await waitFor(() => r.events.length === 2);
    expect(r.seqs()).toEqual([1, 2]);
  });
});
