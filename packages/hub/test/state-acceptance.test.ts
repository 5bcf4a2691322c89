import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  jobOps,
  type PublishInput,
  type SnapshotMessage,
  type StateBody,
  type StateOp,
} from '@herald/protocol';
import { http, range, seqs, type TestHub, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServe, track } from '../../cli/test/helpers/cli.js';
import { startPrivateRedis } from './engines/private-redis.js';
import { foldAll, foldFrom, getState, snapshotsOf, testScope } from './state-support.js';

const scope = testScope();
afterEach(() => scope.close());

/** A redis-server of this test's own, stopped after the test; the shared Redis is never touched. */
async function privateRedis(): Promise<string> {
  const redis = await startPrivateRedis();
  scope.defer(() => redis.stop());
  return redis.url;
}

const TOTAL = 50_000;
const BATCH = 100;
const MORE = 2_000;

/** The operations of event `i`: a counter, the last index, one of 64 slots, and a mark per thousand. */
function opsOf(i: number): StateOp[] {
  const ops: StateOp[] = [
    { op: 'increment', path: '/count', value: 1 },
    { op: 'add', path: '/last', value: i },
    { op: 'add', path: `/slots/${i % 64}`, value: i },
  ];
  if (i % 1000 === 0) ops.push({ op: 'append', path: '/marks', value: i });
  return ops;
}

/** Where events are published: `hub.publish` in process, or HTTP to a hub in another process. */
interface Target {
  readonly url: string;
  readonly wsUrl: string;
  publish(channel: string, events: PublishInput[]): Promise<unknown>;
}

/** A hub reached over HTTP only: publishes are `POST .../events` batches that must answer 201. */
function httpTarget(url: string): Target {
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/v1/ws`,
    async publish(channel, events) {
      const res = await http(`${url}/v1/channels/${channel}/events`, { body: events });
      if (res.status !== 201) throw new Error(`publish answered ${res.status}: ${res.text}`);
    },
  };
}

/** Publishes events `from..to-1` (index `i` in `data`) in batches of {@link BATCH}. */
async function publishRange(hub: Target, channel: string, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += BATCH) {
    const batch = range(start, Math.min(to, start + BATCH) - 1).map((i) => ({
      type: 'tick',
      data: { i },
      id: `e-${i}`,
      state: opsOf(i),
    }));
    await hub.publish(channel, batch);
  }
}

/**
 * A new WebSocket subscriber asks for the snapshot while `MORE` events are being published: it gets the
 * snapshot at some S, then exactly S+1..end, and its fold equals the hub's state.
 */
async function lateJoinerSeesExactly(hub: Target, channel: string, from: number): Promise<void> {
  const c = await scope.client(hub.wsUrl);
  const publishing = publishRange(hub, channel, from, from + MORE);
  const reply = await c.request({ type: 'subscribe', channel, snapshot: true });
  expect(reply).toMatchObject({ type: 'subscribed', recovered: true });
  await publishing;
  const end = from + MORE;
  await waitFor(() => snapshotsOf(c, channel).length === 1);
  const snap = snapshotsOf(c, channel)[0] as SnapshotMessage;
  expect(snap.seq).toBeGreaterThanOrEqual(from);
  await waitFor(() => c.events(channel).length >= end - snap.seq, { timeoutMs: 20_000 });
  // Nothing missing, nothing twice: exactly the seqs after the snapshot.
  expect(seqs(c.events(channel))).toEqual(range(snap.seq + 1, end));
  const hubState = await getState(hub, channel);
  expect(hubState.seq).toBe(end);
  expect(foldFrom(snap, c.events(channel))).toEqual(hubState.state);
  expect(hubState.state).toEqual(foldAll(range(0, end - 1).map(opsOf)));
}

/** Publishes the 50,000 events and checks the state is their fold while history keeps 1,000. */
async function fillAndCheck(hub: Target, channel: string): Promise<StateBody> {
  await publishRange(hub, channel, 0, TOTAL);
  const expected = foldAll(range(0, TOTAL - 1).map(opsOf));
  expect((expected as { count: number }).count).toBe(TOTAL);
  const before = await getState(hub, channel);
  expect(before).toEqual({ channel, epoch: expect.any(String), seq: TOTAL, state: expected });
  const page = (await http(`${hub.url}/v1/channels/${channel}/events?after=0&limit=10`)).body as {
    firstSeq: number;
  };
  expect(page.firstSeq).toBe(TOTAL - 999);
  return before;
}

/** Waits until a fresh request gets through (fetch's pooled keep-alive sockets to a closed hub fail once). */
async function reachable(url: string): Promise<void> {
  await waitFor(async () => {
    try {
      return (await http(`${url}/healthz`)).status === 200;
    } catch {
      return false;
    }
  });
}

/** The scenario on one hub: 50,000 events, retention at 1,000, a restart, then a late joiner. */
async function scenario(hub: TestHub): Promise<void> {
  const channel = 'run:big';
  const before = await fillAndCheck(hub, channel);
  await hub.restart();
  await reachable(hub.url);
  expect(await getState(hub, channel)).toEqual(before);
  await lateJoinerSeesExactly(hub, channel, TOTAL);
}

describe('channel state at scale (50,000 events, retention 1,000)', () => {
  it('SQLite: GET /state is the fold of all, across a restart, and a late joiner gets snapshot then exact events', async () => {
    const hub = await scope.hub({ sqlite: true, retention: { maxCount: 1000 } });
    await scenario(hub);
  }, 120_000);

  it('SQLite in a real `herald serve` process stopped with SIGTERM and started again on its data directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-state-'));
    scope.defer(() => rm(dir, { recursive: true, force: true }));
    const args = ['--data', dir, '--retention-max-events', '1000'];
    const first = await spawnServe(args);
    track({ push: scope.defer }, first.cli);
    const channel = 'run:big';
    const before = await fillAndCheck(httpTarget(first.url), channel);
    first.cli.kill('SIGTERM');
    expect(await first.cli.exited).toBe(0);
    const second = await spawnServe(args);
    track({ push: scope.defer }, second.cli);
    const target = httpTarget(second.url);
    await reachable(second.url);
    expect(await getState(target, channel)).toEqual(before);
    await lateJoinerSeesExactly(target, channel, TOTAL);
  }, 180_000);

  it('Redis (a private redis-server): the same', async () => {
    const url = await privateRedis();
    const keyPrefix = `hs${randomBytes(4).toString('hex')}:`;
    const hub = await scope.hub({ store: { kind: 'redis', url, keyPrefix }, retention: { maxCount: 1000 } });
    await scenario(hub);
  }, 180_000);
});

describe('a streamed output', () => {
  it('of 20,000 appends reaches a late joiner as one string identical to the publisher’s', async () => {
    const hub = await scope.hub({ sqlite: true });
    const channel = 'job:lyrics';
    const words = ['la ', 'lä ', '“quoted” ', 'line\n', '🎵 ', 'tab\t', 'back\\slash '];
    const tokens = range(0, 19_999).map((i) => `${words[i % words.length]}${i} `);
    await hub.publish(channel, [{ type: 'job', data: null, state: jobOps.create({ plan: ['LYRICS'] }) }]);
    for (let start = 0; start < tokens.length; start += BATCH) {
      await hub.publish(
        channel,
        tokens.slice(start, start + BATCH).map((text) => ({
          type: 'lyrics.token',
          data: { text },
          state: jobOps.append('lyrics', text),
        })),
      );
    }
    const text = tokens.join('');
    const body = await getState(hub, channel);
    expect((body.state as { outputs: { lyrics: string } }).outputs.lyrics === text).toBe(true);
    const c = await scope.client(hub.wsUrl);
    await c.request({ type: 'subscribe', channel, snapshot: true });
    await waitFor(() => snapshotsOf(c, channel).length === 1);
    const snap = snapshotsOf(c, channel)[0] as SnapshotMessage;
    expect(snap.seq).toBe(20_001);
    const lyrics = (snap.state as { outputs: { lyrics: string } }).outputs.lyrics;
    expect(lyrics.length).toBe(text.length);
    expect(lyrics === text).toBe(true);
  }, 60_000);
});
