import {
  type Envelope,
  ErrorCode,
  type ErrorResponseBody,
  type StateOp,
  type SubscribedMessage,
} from '@herald/protocol';
import { http, range, seqs, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { openSse } from './sse-client.js';
import { foldAll, foldFrom, getState, snapshotsOf, testScope } from './state-support.js';

const scope = testScope();
afterEach(() => scope.close());

const inc = (n = 1): StateOp[] => [{ op: 'increment', path: '/n', value: n }];

describe('GET /v1/channels/{channel}/state', () => {
  it('answers the fold of every published event with its position', async () => {
    const hub = await scope.hub({ sqlite: true });
    expect(await getState(hub, 'run:1')).toEqual({
      channel: 'run:1',
      epoch: expect.any(String),
      seq: 0,
      state: {},
    });
    const ops: StateOp[][] = [
      [{ op: 'add', path: '/status', value: 'running' }],
      [{ op: 'append', path: '/out', value: 'ab' }],
      [{ op: 'append', path: '/out', value: 'cd' }],
    ];
    const res = await http(`${hub.url}/v1/channels/run:1/events`, {
      body: ops.map((state, i) => ({ type: 't', data: i, state })),
    });
    expect(res.status).toBe(201);
    await http(`${hub.url}/v1/channels/run:1/events`, { body: { type: 'plain', data: null } });
    const body = await getState(hub, 'run:1');
    expect(body).toEqual({
      channel: 'run:1',
      epoch: (await getState(hub, 'run:1')).epoch,
      seq: 4,
      state: foldAll(ops),
    });
    expect(body.state).toEqual({ status: 'running', out: 'abcd' });
    // History carries each event's operations as published.
    const page = (await http(`${hub.url}/v1/channels/run:1/events?after=0`)).body as { events: Envelope[] };
    expect(page.events.map((e) => e.state ?? null)).toEqual([...ops, null]);
    // Bad channel names and methods answer their codes.
    expect((await http(`${hub.url}/v1/channels/bad%20name/state`)).status).toBe(400);
    expect((await http(`${hub.url}/v1/channels/run:1/state`, { method: 'DELETE' })).status).toBe(405);
  });

  it('is read with the same permission as history', async () => {
    const hub = await scope.hub({
      auth: { jwtSecret: 'secret-for-tests-1234567890', publisherKeys: ['pk'] },
    });
    const res = await http(`${hub.url}/v1/channels/run:1/state`);
    expect(res.status).toBe(401);
    const withKey = await http(`${hub.url}/v1/channels/run:1/state`, {
      headers: { authorization: 'Bearer pk' },
    });
    expect(withKey.status).toBe(200);
  });
});

describe('refused state operations', () => {
  const bad: [string, StateOp[], string, number][] = [
    ['a path that is not a pointer', [{ op: 'add', path: 'x', value: 1 }], ErrorCode.BadStateOp, 400],
    ['an unknown op', [{ op: 'frobnicate', path: '/x' } as unknown as StateOp], ErrorCode.BadStateOp, 400],
    ['a remove of nothing', [{ op: 'remove', path: '/nothing' }], ErrorCode.StateConflict, 409],
    [
      'a non-string append to a string',
      [{ op: 'append', path: '/text', value: 3 }],
      ErrorCode.StateConflict,
      409,
    ],
    ['a failing test', [{ op: 'test', path: '/n', value: 42 }], ErrorCode.StateTestFailed, 409],
    [
      'a state past the limit',
      [{ op: 'append', path: '/text', value: 'x'.repeat(300) }],
      ErrorCode.StateTooLarge,
      413,
    ],
  ];

  it('answers each with its code and status over HTTP and WebSocket, storing nothing, neighbours unaffected', async () => {
    const hub = await scope.hub({ limits: { maxStateBytes: 256 } });
    await hub.publish('job:1', [
      { type: 'init', data: null, state: [{ op: 'add', path: '/text', value: 'hi' }, ...inc()] },
    ]);
    const before = await getState(hub, 'job:1');
    const c = await scope.client(hub.wsUrl);
    for (const [name, ops, code, status] of bad) {
      const res = await http(`${hub.url}/v1/channels/job:1/events`, {
        body: [
          { type: 'fine', data: 1, state: inc() },
          { type: 'bad', data: 2, state: ops },
        ],
      });
      expect([name, res.status]).toEqual([name, status]);
      const error = (res.body as ErrorResponseBody).error;
      expect([name, error.code]).toEqual([name, code]);
      // Operation errors name the event; the size limit is about the whole publish's result.
      if (code === ErrorCode.StateTooLarge) expect(error.message).toMatch(/over the limit of 256/);
      else expect(error.message).toMatch(/^events\[1\][.:] ?state/);
      const reply = await c.request({
        type: 'publish',
        channel: 'job:1',
        event: { type: 'bad', data: 2, state: ops },
      });
      expect([name, reply]).toEqual([name, expect.objectContaining({ type: 'error', code })]);
      // A neighbour publishing meanwhile is stored and folded.
      await hub.publish('job:2', [{ type: 'ok', data: null, state: inc() }]);
    }
    expect(await getState(hub, 'job:1')).toEqual(before);
    const history = (await http(`${hub.url}/v1/channels/job:1/events?after=0`)).body as {
      events: Envelope[];
    };
    expect(seqs(history.events)).toEqual([1]);
    expect((await getState(hub, 'job:2')).state).toEqual({ n: bad.length });
    // The WebSocket acks a good publish afterwards as usual.
    const ack = await c.request({
      type: 'publish',
      channel: 'job:1',
      event: { type: 'ok', data: 0, state: inc(2) },
    });
    expect(ack).toMatchObject({ type: 'ack', seq: 2 });
    expect((await getState(hub, 'job:1')).state).toEqual({ text: 'hi', n: 3 });
  });
});

describe('WebSocket subscribe with snapshot', () => {
  it('sends subscribed, then the snapshot at S, then exactly the events after S', async () => {
    const hub = await scope.hub({ sqlite: true });
    for (let i = 0; i < 30; i++) await hub.publish('run:s', [{ type: 't', data: i, state: inc() }]);
    const c = await scope.client(hub.wsUrl);
    const during = (async () => {
      for (let i = 0; i < 30; i++) await hub.publish('run:s', [{ type: 't', data: 30 + i, state: inc() }]);
    })();
    const reply = (await c.request({
      type: 'subscribe',
      channel: 'run:s',
      snapshot: true,
    })) as SubscribedMessage;
    expect(reply).toMatchObject({ type: 'subscribed', recovered: true });
    await during;
    await waitFor(() => snapshotsOf(c, 'run:s').length === 1);
    const [snap] = snapshotsOf(c, 'run:s');
    if (snap === undefined) throw new Error('no snapshot');
    await waitFor(() => c.events('run:s').length === 60 - snap.seq);
    expect(seqs(c.events('run:s'))).toEqual(range(snap.seq + 1, 60));
    expect(snap.state).toEqual({ n: snap.seq });
    expect(foldFrom(snap, c.events('run:s'))).toEqual({ n: 60 });
    const order = c.messages.map((m) => m.type);
    expect(order.indexOf('subscribed')).toBeLessThan(order.indexOf('snapshot'));
    const firstEvents = order.indexOf('events');
    if (firstEvents >= 0) expect(order.indexOf('snapshot')).toBeLessThan(firstEvents);
  });

  it('resumes a since it can without a snapshot, and sends one instead of a gap otherwise', async () => {
    const hub = await scope.hub({ retention: { maxCount: 10 } });
    for (let i = 0; i < 40; i++) await hub.publish('run:r', [{ type: 't', data: i, state: inc() }]);
    const epoch = (await getState(hub, 'run:r')).epoch;
    const resumable = await scope.client(hub.wsUrl);
    const r1 = await resumable.request({
      type: 'subscribe',
      channel: 'run:r',
      since: { epoch, seq: 35 },
      snapshot: true,
    });
    expect(r1).toMatchObject({ type: 'subscribed', recovered: true });
    await waitFor(() => resumable.events('run:r').length === 5);
    expect(snapshotsOf(resumable, 'run:r')).toEqual([]);
    const stale = await scope.client(hub.wsUrl);
    const r2 = await stale.request({
      type: 'subscribe',
      channel: 'run:r',
      since: { epoch, seq: 3 },
      snapshot: true,
    });
    expect(r2).toMatchObject({ type: 'subscribed', recovered: false, lastSeq: 40 });
    await waitFor(() => snapshotsOf(stale, 'run:r').length === 1);
    expect(snapshotsOf(stale, 'run:r')[0]).toEqual({
      type: 'snapshot',
      channel: 'run:r',
      epoch,
      seq: 40,
      state: { n: 40 },
    });
    await hub.publish('run:r', [{ type: 't', data: 40, state: inc() }]);
    await waitFor(() => stale.events('run:r').length === 1);
    expect(seqs(stale.events('run:r'))).toEqual([41]);
  });
});

describe('SSE with ?snapshot=1', () => {
  it('starts with event: snapshot whose id is its seq, then the events; Last-Event-ID resumes after it', async () => {
    const hub = await scope.hub({});
    for (let i = 0; i < 5; i++) await hub.publish('run:e', [{ type: 't', data: i, state: inc() }]);
    const sse = await openSse(`${hub.url}/v1/channels/run:e/stream?snapshot=1`);
    scope.defer(() => sse.close());
    expect(sse.res.status).toBe(200);
    await waitFor(() => sse.events.length >= 1);
    expect(sse.events[0]).toMatchObject({ id: '5', event: 'snapshot' });
    expect(JSON.parse(sse.events[0]?.data ?? '')).toEqual({
      type: 'snapshot',
      channel: 'run:e',
      epoch: expect.any(String),
      seq: 5,
      state: { n: 5 },
    });
    await hub.publish('run:e', [{ type: 't', data: 5, state: inc() }]);
    await waitFor(() => sse.events.length >= 2);
    expect(sse.events[1]).toMatchObject({ id: '6', event: 't' });
    expect((JSON.parse(sse.events[1]?.data ?? '') as Envelope).state).toEqual(inc());
    await sse.close();
    // An EventSource reconnecting sends the last id it saw: the stream resumes after it, no snapshot.
    await hub.publish('run:e', [{ type: 't', data: 6, state: inc() }]);
    const again = await openSse(`${hub.url}/v1/channels/run:e/stream?snapshot=1`, { 'last-event-id': '6' });
    scope.defer(() => again.close());
    await waitFor(() => again.events.length >= 1);
    expect(again.events.map((e) => [e.id, e.event])).toEqual([['7', 't']]);
    // Resuming right after the snapshot's own id works the same way.
    const afterSnap = await openSse(`${hub.url}/v1/channels/run:e/stream?snapshot=1`, {
      'last-event-id': '5',
    });
    scope.defer(() => afterSnap.close());
    await waitFor(() => afterSnap.events.length >= 2);
    expect(afterSnap.events.map((e) => e.id)).toEqual(['6', '7']);
  });
});
