import { Writable } from 'node:stream';
import { createClient, type GapInfo, type HeraldClient, type WebSocketConstructorLike } from '@herald/client';
import type { Envelope } from '@herald/protocol';
import { http, range, seqs, waitFor } from '@herald/testing';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type Hub, startHub } from '../src/index.js';
import { startPrivateRedis } from './engines/private-redis.js';
import { type Cleanups, runCleanups } from './engines/scenario.js';
import { openSse, type SseEvent } from './sse-client.js';

type PrivateRedis = Awaited<ReturnType<typeof startPrivateRedis>>;

// Two hub nodes on a private Redis without persistence. When Redis loses a channel's history (it restarts
// empty, or the channel's keys are deleted), seqs start again at 1 under a new epoch. Every live subscriber,
// on every node, must see that as a reset: the old history up to where it was, one gap, then the new
// history, never the two mixed into one seemingly continuous stream.

const cleanups: Cleanups = [];
afterEach(() => runCleanups(cleanups));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** `ws` satisfies the client's WebSocket surface; the cast only bridges its richer event types. */
const NodeWebSocket: WebSocketConstructorLike = WebSocket;

interface Node {
  readonly hub: Hub;
  /** The node's warn-level log lines, parsed. */
  readonly warnings: Record<string, unknown>[];
}

async function startNode(redis: { url: string; keyPrefix: string }): Promise<Node> {
  const warnings: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) warnings.push(JSON.parse(line));
      done();
    },
  });
  const hub = await startHub({
    port: 0,
    logger: pino({ level: 'warn' }, sink),
    store: { kind: 'redis', url: redis.url, keyPrefix: redis.keyPrefix },
  });
  cleanups.push(() => hub.close());
  return { hub, warnings };
}

/** A private Redis and two hub nodes on it, all stopped after the test. */
async function twoNodes(): Promise<{ redis: PrivateRedis; a: Node; b: Node }> {
  const redis = await startPrivateRedis();
  cleanups.push(() => redis.stop());
  return { redis, a: await startNode(redis), b: await startNode(redis) };
}

/** A connection for commands on `redis` behind the hubs' backs, closed after the test. */
function adminOf(redis: PrivateRedis): Redis {
  const admin = new Redis(redis.url);
  cleanups.push(() => admin.disconnect());
  return admin;
}

/** An app's client on `node`, reconnecting fast. */
function clientOn(node: Node): HeraldClient {
  const client = createClient({
    url: node.hub.url,
    WebSocket: NodeWebSocket,
    transports: ['websocket'],
    backoff: { initialMs: 50, maxMs: 250, minUptimeMs: 300 },
  });
  cleanups.push(() => client.close());
  return client;
}

type Seen = { readonly event: Envelope } | { readonly gap: GapInfo };

/** What an app sees of `channel` through `client`: its events and gaps, in the order they were raised. */
function watch(client: HeraldClient, channel: string): Seen[] {
  const seen: Seen[] = [];
  client.subscribe(channel, {
    onEvent: (event) => seen.push({ event }),
    onGap: (gap) => seen.push({ gap }),
  });
  return seen;
}

/** An SSE stream's view: its events (envelopes) and `event: gap` data, in order. */
function sseSeen(events: readonly SseEvent[]): Seen[] {
  return events.flatMap((e): Seen[] => {
    if (e.event === 'gap') {
      const data = JSON.parse(e.data ?? '{}') as { epoch: string; lastSeq: number; channel: string };
      expect(e.id, 'a gap sets the resume position to where the stream goes on').toBe(String(data.lastSeq));
      return [{ gap: { channel: data.channel, last: null, epoch: data.epoch, lastSeq: data.lastSeq } }];
    }
    return e.event === 'snapshot' ? [] : [{ event: JSON.parse(e.data ?? 'null') as Envelope }];
  });
}

interface Ack {
  readonly id: string;
  readonly seq: number;
}

/**
 * Publishes to `channel` until stopped, alternating between the nodes, one event at a time with its own id;
 * a publish that fails (Redis is away) is retried with the same id until it is acked.
 */
function publishing(channel: string, urls: readonly string[]) {
  const acks: Ack[] = [];
  let stopped = false;
  const done = (async () => {
    for (let i = 1; !stopped; i++) {
      const id = `${channel}#${i}`;
      const deadline = Date.now() + 30_000;
      for (let attempt = 0; ; attempt++) {
        const url = urls[(i + attempt) % urls.length] ?? '';
        const res = await http(`${url}/v1/channels/${channel}/events`, {
          body: { type: 'n', data: { i }, id },
        }).catch(() => null);
        if (res?.status === 201) {
          const seq = (res.body as { events: Ack[] }).events[0]?.seq ?? 0;
          acks.push({ id, seq });
          break;
        }
        if (Date.now() > deadline) throw new Error(`${id} not acked: ${res?.status} ${res?.text}`);
        await sleep(20);
      }
      await sleep(3);
    }
  })();
  return {
    acks,
    async stop(): Promise<void> {
      stopped = true;
      await done;
    },
  };
}

/** The channel's whole current history, read over HTTP. */
async function history(url: string, channel: string): Promise<{ epoch: string; events: Envelope[] }> {
  const events: Envelope[] = [];
  let epoch = '';
  for (let after = 0; ; ) {
    const res = await http(`${url}/v1/channels/${channel}/events?after=${after}&limit=1000`);
    const page = res.body as { epoch: string; events: Envelope[] };
    epoch = page.epoch;
    events.push(...page.events);
    const last = page.events.at(-1);
    if (last === undefined || page.events.length < 1000) return { epoch, events };
    after = last.seq;
  }
}

const eventsOf = (seen: readonly Seen[]): Envelope[] => seen.flatMap((s) => ('event' in s ? [s.event] : []));

/** Waits until each view holds the channel's last event (or gave up), then a little more for strays. */
async function settle(views: readonly (() => readonly Seen[])[], lastSeq: number): Promise<void> {
  const done = () => views.every((view) => eventsOf(view()).at(-1)?.seq === lastSeq);
  await waitFor(done, { timeoutMs: 30_000 }).catch(() => {});
  await sleep(300);
}

/**
 * Checks one subscriber's view across a reset: the old history in order from seq 1, each event the one
 * acked at its seq there and none of the new history; exactly one gap, naming the new epoch and the last
 * old position held; then exactly the new history's events after the gap's `lastSeq`, in order. Every
 * acked event is either delivered or announced by the gap: an old one after `gap.last` (that history is
 * gone), a new one up to `gap.lastSeq` (the gap asks the app to refetch them; `GET …/events` has them).
 */
function expectReset(
  seen: readonly Seen[],
  acks: readonly Ack[],
  now: { epoch: string; events: Envelope[] },
) {
  const story = JSON.stringify(seen.map((s) => ('gap' in s ? s : `${s.event.seq}:${s.event.id}`)));
  const gaps = seen.flatMap((s) => ('gap' in s ? [s.gap] : []));
  expect(gaps, story).toHaveLength(1);
  const at = seen.findIndex((s) => 'gap' in s);
  const gap = gaps[0] as GapInfo;
  const before = eventsOf(seen.slice(0, at));
  const after = eventsOf(seen.slice(at + 1));
  const nowAt = new Map(now.events.map((e) => [e.seq, e.id]));
  const isNew = (a: Ack) => nowAt.get(a.seq) === a.id;
  const oldAcked = new Map(acks.filter((a) => !isNew(a)).map((a) => [a.seq, a.id]));
  const newIds = new Set(acks.filter(isNew).map((a) => a.id));

  expect(before.length, story).toBeGreaterThan(20);
  expect(seqs(before), story).toEqual(range(1, before.length));
  for (const e of before) {
    expect(newIds.has(e.id), `${e.seq}:${e.id} of the new history delivered as the old one`).toBe(false);
    expect(e.id).toBe(oldAcked.get(e.seq) ?? e.id);
  }
  expect(gap.epoch).toBe(now.epoch);
  if (gap.last !== null) {
    expect(gap.last.epoch).not.toBe(now.epoch);
    expect(gap.last.seq).toBe(before.length);
  }

  expect(seqs(now.events)).toEqual(range(1, now.events.length));
  const expected = now.events.filter((e) => e.seq > gap.lastSeq).map((e) => `${e.seq}:${e.id}`);
  expect(expected.length).toBeGreaterThan(20);
  expect(
    after.map((e) => `${e.seq}:${e.id}`),
    story,
  ).toEqual(expected);

  const delivered = new Set([...before, ...after].map((e) => `${e.seq}:${e.id}`));
  for (const a of acks) {
    const announced = isNew(a) ? a.seq <= gap.lastSeq : a.seq > before.length;
    expect(delivered.has(`${a.seq}:${a.id}`) || announced, `acked ${a.id} (seq ${a.seq}) vanished`).toBe(
      true,
    );
  }
}

/** The node's `herald_history_resets_total`. */
async function resetsCounted(node: Node): Promise<number> {
  const res = await http(`${node.hub.url}/metrics`);
  const m = /^herald_history_resets_total (\d+)$/m.exec(res.text);
  return Number(m?.[1] ?? -1);
}

/**
 * A warn line for a reset of one of `channels`. Once per node and channel with local subscribers when it
 * is found: a channel whose subscribers were already closed for another channel's reset resubscribes on a
 * fresh sequencer (and gets `recovered: false` from its resume): not every channel is logged on every node.
 */
function expectResetLogged(node: Node, channels: readonly string[]): void {
  const logged = node.warnings.filter((w) => String(w.msg).includes('history reset'));
  expect(
    logged.some((w) => channels.includes(String(w.channel))),
    JSON.stringify(node.warnings),
  ).toBe(true);
}

describe('a history reset under live subscribers, on two hub nodes', () => {
  it('Redis restarted empty mid-stream: every subscriber gets one reset, then exactly the new history', async () => {
    const { redis, a, b } = await twoNodes();
    const urls = [a.hub.url, b.hub.url];
    const [onA, onB] = [clientOn(a), clientOn(b)];
    const sse = await openSse(`${b.hub.url}/v1/channels/run:reset/stream`);
    cleanups.push(() => sse.close());
    const views = {
      'run:reset': [watch(onA, 'run:reset'), watch(onB, 'run:reset')].map((v) => () => v),
      'run:other': [watch(onA, 'run:other'), watch(onB, 'run:other')].map((v) => () => v),
    };
    views['run:reset'].push(() => sseSeen(sse.events));
    await waitFor(() => onA.state === 'connected' && onB.state === 'connected');
    await sleep(200); // subscribed on both nodes before the first event

    const publishers = {
      'run:reset': publishing('run:reset', urls),
      'run:other': publishing('run:other', urls),
    };
    await waitFor(() => Object.values(publishers).every((p) => p.acks.length >= 60), { timeoutMs: 30_000 });
    await redis.restart();
    const acksAtRestart = publishers['run:reset'].acks.length;
    await waitFor(() => publishers['run:reset'].acks.length >= acksAtRestart + 60, { timeoutMs: 30_000 });
    await Promise.all(Object.values(publishers).map((p) => p.stop()));

    // Both channels were in the Redis that restarted: each is reset, on both nodes, over WebSocket and SSE.
    for (const channel of ['run:reset', 'run:other'] as const) {
      const now = await history(a.hub.url, channel);
      await settle(views[channel], now.events.at(-1)?.seq ?? 0);
      for (const view of views[channel]) expectReset(view(), publishers[channel].acks, now);
    }
    // The SSE stream went on in place: after its gap, the new history from its first seq.
    const sseGap = sseSeen(sse.events).find((s) => 'gap' in s);
    expect(sseGap && 'gap' in sseGap && sseGap.gap.lastSeq).toBe(0);

    for (const node of [a, b]) {
      expect(await resetsCounted(node)).toBeGreaterThanOrEqual(1);
      expectResetLogged(node, ['run:reset', 'run:other']);
    }
  }, 120_000);

  it("one channel's keys deleted: its subscribers get a reset, the neighbour keeps every event in order", async () => {
    const { redis, a, b } = await twoNodes();
    const admin = adminOf(redis);
    const urls = [a.hub.url, b.hub.url];
    const [onA, onB] = [clientOn(a), clientOn(b)];
    const sse = await openSse(`${a.hub.url}/v1/channels/run:wiped/stream`);
    cleanups.push(() => sse.close());
    const withState = await openSse(`${b.hub.url}/v1/channels/run:wiped/stream?snapshot=1`);
    cleanups.push(() => withState.close());
    const wiped = [watch(onA, 'run:wiped'), watch(onB, 'run:wiped')].map((v) => () => v);
    wiped.push(() => sseSeen(sse.events));
    const neighbour = [watch(onA, 'run:side'), watch(onB, 'run:side')].map((v) => () => v);
    await waitFor(() => onA.state === 'connected' && onB.state === 'connected');
    await sleep(200);

    const wipedPublisher = publishing('run:wiped', urls);
    const sidePublisher = publishing('run:side', urls);
    await waitFor(() => wipedPublisher.acks.length >= 60, { timeoutMs: 30_000 });
    const k = `${redis.keyPrefix}run:wiped:`;
    expect(await admin.del(`${k}m`, `${k}i`, `${k}e`, `${k}s`)).toBeGreaterThanOrEqual(3);
    const acksAtWipe = wipedPublisher.acks.length;
    await waitFor(() => wipedPublisher.acks.length >= acksAtWipe + 60, { timeoutMs: 30_000 });
    await Promise.all([wipedPublisher.stop(), sidePublisher.stop()]);

    const now = await history(b.hub.url, 'run:wiped');
    await settle(wiped, now.events.at(-1)?.seq ?? 0);
    for (const view of wiped) expectReset(view(), wipedPublisher.acks, now);
    // A stream that keeps state gets the new history's snapshot instead of a gap, then the events after it.
    await settle([() => sseSeen(withState.events)], now.events.at(-1)?.seq ?? 0);
    const snapshots = withState.events.flatMap((e, at) =>
      e.event === 'snapshot'
        ? [{ at, ...(JSON.parse(e.data ?? '{}') as { epoch: string; seq: number }) }]
        : [],
    );
    expect(snapshots.map((s) => s.epoch === now.epoch)).toEqual([false, true]);
    const [, renewed] = snapshots as [unknown, { at: number; seq: number }];
    expect(withState.events.some((e) => e.event === 'gap')).toBe(false);
    const oldPart = sseSeen(withState.events.slice(0, renewed.at)).flatMap((s) =>
      'event' in s ? [s.event] : [],
    );
    expect(seqs(oldPart)).toEqual(range(1, oldPart.length));
    expect(
      sseSeen(withState.events.slice(renewed.at + 1)).map((s) =>
        'event' in s ? `${s.event.seq}:${s.event.id}` : s,
      ),
    ).toEqual(now.events.filter((e) => e.seq > renewed.seq).map((e) => `${e.seq}:${e.id}`));

    // The neighbour shares both connections (closed and resumed for the reset): still 1..N, no gap.
    const side = await history(b.hub.url, 'run:side');
    await settle(neighbour, side.events.at(-1)?.seq ?? 0);
    expect(side.events.length).toBe(sidePublisher.acks.length);
    for (const view of neighbour) {
      expect(view().filter((s) => 'gap' in s)).toEqual([]);
      expect(eventsOf(view()).map((e) => `${e.seq}:${e.id}`)).toEqual(
        side.events.map((e) => `${e.seq}:${e.id}`),
      );
    }
    for (const node of [a, b]) expect(await resetsCounted(node)).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

// A quiet channel: nothing published after the broker's subscription came back. Without a resync on
// reconnect, B's subscribers would learn of the reset (or of the events they missed) only with a later event.
describe("a broker reconnect under a quiet channel's subscribers, on two hub nodes", () => {
  /** Subscribers on `node` to `channel`: a WebSocket client's view and an SSE stream's. */
  async function subscribersOn(node: Node, channel: string) {
    const client = clientOn(node);
    const ws = watch(client, channel);
    const sse = await openSse(`${node.hub.url}/v1/channels/${channel}/stream`);
    cleanups.push(() => sse.close());
    await waitFor(() => client.state === 'connected');
    await sleep(200); // subscribed before the first event
    return [() => ws, () => sseSeen(sse.events)];
  }

  const publishOn = async (node: Node, channel: string, n: number, tag: string) => {
    for (let i = 1; i <= n; i++)
      await node.hub.publish(channel, [{ type: 'n', data: { i }, id: `${tag}${i}` }]);
  };

  it('Redis restarted empty and nothing published: the subscriber on the other node still gets the reset', async () => {
    const { redis, a, b } = await twoNodes();
    const views = await subscribersOn(b, 'run:quiet');
    await publishOn(a, 'run:quiet', 3, 'old');
    await waitFor(() => views.every((view) => eventsOf(view()).length === 3));

    await redis.restart();
    // Nothing is published on the channel: only B's broker coming back can tell its subscribers.
    await waitFor(() => views.every((view) => view().some((s) => 'gap' in s)), { timeoutMs: 8_000 });
    const now = await history(a.hub.url, 'run:quiet');
    for (const view of views) {
      const gaps = view().flatMap((s) => ('gap' in s ? [s.gap] : []));
      expect(gaps.map((g) => [g.epoch, g.lastSeq])).toEqual([[now.epoch, 0]]);
    }
    expect(await resetsCounted(b)).toBe(1);
    expectResetLogged(b, ['run:quiet']);

    // The new history follows the gap, never mixed with the old one.
    await publishOn(a, 'run:quiet', 1, 'new');
    await waitFor(() => views.every((view) => eventsOf(view()).length === 4));
    for (const view of views) {
      expect(eventsOf(view()).map((e) => `${e.seq}:${e.id}`)).toEqual([
        '1:old1',
        '2:old2',
        '3:old3',
        '1:new1',
      ]);
    }
  }, 60_000);

  it("B's subscription cut while A publishes, then nothing: B's subscribers get every event once it resubscribes", async () => {
    const { redis, a, b } = await twoNodes();
    const admin = adminOf(redis);
    const views = await subscribersOn(b, 'run:cut');
    await publishOn(a, 'run:cut', 3, 'before');
    await waitFor(() => views.every((view) => eventsOf(view()).length === 3));

    const topic = `${redis.keyPrefix}broker`;
    expect(await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBeGreaterThanOrEqual(2);
    await publishOn(a, 'run:cut', 5, 'during');
    // Every announcement of the five went to no subscriber (ioredis waits 50 ms before reconnecting).
    expect(await admin.call('PUBSUB', 'NUMSUB', topic)).toEqual([topic, 0]);

    const expected = ['before1', 'before2', 'before3', 'during1', 'during2', 'during3', 'during4', 'during5'];
    await waitFor(() => views.every((view) => eventsOf(view()).length === expected.length), {
      timeoutMs: 8_000,
    }).catch(() => {});
    for (const view of views) {
      expect(view().filter((s) => 'gap' in s)).toEqual([]);
      expect(eventsOf(view()).map((e) => `${e.seq}:${e.id}`)).toEqual(
        expected.map((id, i) => `${i + 1}:${id}`),
      );
    }
    expect(await resetsCounted(b)).toBe(0);
  }, 60_000);
});
