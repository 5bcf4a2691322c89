import { http, TestClient, waitFor } from '@herald/testing';
import { expect } from 'vitest';
import { type Hub, startHub } from '../../src/index.js';
import { startChildHub } from './child-hub.js';
import { engineParts, type NodeEngine } from './node-engine.js';

/** Cleanups run after each test, newest first, even when it failed. */
export type Cleanups = ((() => Promise<unknown>) | (() => unknown))[];

/** Runs every cleanup, newest first; the first error is thrown after all ran. */
export async function runCleanups(cleanups: Cleanups): Promise<void> {
  let failure: unknown;
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}

/** A subscriber that can move to another node, resuming from the last seq it received. */
export class Follower {
  private readonly clients: TestClient[] = [];
  private epoch = '';
  private stopped = false;
  private constructor(private readonly channel: string) {}

  static async start(wsUrl: string, channel: string, cleanups: Cleanups): Promise<Follower> {
    const f = new Follower(channel);
    cleanups.push(() => {
      f.stopped = true;
      for (const c of f.clients) c.close();
    });
    const reply = await f.connect(wsUrl, undefined);
    f.epoch = (reply as { epoch: string }).epoch;
    return f;
  }

  /** The current socket. */
  get client(): TestClient {
    const c = this.clients[this.clients.length - 1];
    if (c === undefined) throw new Error('no client');
    return c;
  }

  /** Resubscribes on `wsUrl` from the last seq received; the hub must recover it with nothing missing. */
  async moveTo(wsUrl: string): Promise<void> {
    const reply = await this.connect(wsUrl, { epoch: this.epoch, seq: this.seqs().at(-1) ?? 0 });
    expect(reply).toMatchObject({ type: 'subscribed', recovered: true, epoch: this.epoch });
  }

  /**
   * Resumes on `wsUrl` whenever the hub closes the socket, as a real client does: a hub whose live feed
   * could not be repaired (the store was down) closes the connection so the client resumes from its
   * position. Retries while the hub cannot serve the subscription yet.
   */
  keepResuming(wsUrl: string): void {
    void (async () => {
      while (!this.stopped) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (this.stopped || this.client.closeInfo === null) continue;
        try {
          await this.moveTo(wsUrl);
        } catch {
          this.client.close(); // refused (the store is still down): try again
        }
      }
    })();
  }

  /** What the sockets received besides events, and how they closed: the story of a failed check. */
  describe(): string {
    return JSON.stringify(
      this.clients.map((c) => ({
        close: c.closeInfo,
        other: c.messages.filter((m) => m.type !== 'events'),
      })),
    );
  }

  /** Every seq received, over every socket, in arrival order. */
  seqs(): number[] {
    return this.clients.flatMap((c) => c.events(this.channel).map((e) => e.seq));
  }

  private async connect(wsUrl: string, since: { epoch: string; seq: number } | undefined) {
    const client = await TestClient.connect(wsUrl);
    this.clients.push(client);
    return client.subscribe(this.channel, since);
  }
}

/**
 * Publishes events `first..last` (step 2, so two publishers can interleave) with ids `ev-<i>`, each to the
 * first node of `targets()` that acks it: a failed publish is retried with the same id (on the next node,
 * or on the same one once the engine is back), so an event stored but not acked is not stored twice.
 */
export async function publishAll(
  targets: () => string[],
  channel: string,
  first: number,
  last: number,
  acked: { count: number },
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (let i = first; i <= last; i += 2) {
    for (let attempt = 0; ; attempt++) {
      const urls = targets();
      const url = urls[attempt % urls.length] ?? '';
      const res = await http(`${url}/v1/channels/${channel}/events`, {
        body: { type: 'n', data: { i }, id: `ev-${i}` },
      }).catch(() => null);
      if (res?.status === 201) break;
      if (Date.now() > deadline) throw new Error(`event ${i} not acked: ${res?.status} ${res?.text}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    acked.count++;
  }
}

/** Waits until every follower holds exactly 1..total, then checks nothing more (a duplicate) arrives. */
export async function expectExactly(followers: readonly Follower[], total: number): Promise<void> {
  const want = Array.from({ length: total }, (_, i) => i + 1);
  await waitFor(() => followers.every((f) => f.seqs().length >= total), { timeoutMs: 30_000 }).catch(
    () => {},
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const f of followers) expect(f.seqs(), f.describe()).toEqual(want);
}

/** A hub node in this process on `engine`. */
export async function inProcessNode(engine: NodeEngine, cleanups: Cleanups): Promise<Hub> {
  const { store, broker, ready } = engineParts(engine);
  cleanups.push(
    () => store.close(),
    () => broker.close(),
  );
  await ready();
  const hub = await startHub({ port: 0, logger: false, store, broker });
  cleanups.push(() => hub.close());
  return hub;
}

/**
 * Two nodes on `engine`, one of them in a child process; a subscriber and a publisher on each. Halfway,
 * the child is killed (SIGKILL) and its subscriber resumes on the other node.
 */
export async function nodeKillScenario(engine: NodeEngine, cleanups: Cleanups, total = 120): Promise<void> {
  const channel = 'run:kill';
  const child = await startChildHub(engine);
  cleanups.push(() => child.kill());
  const other = await inProcessNode(engine, cleanups);
  const onChild = await Follower.start(child.wsUrl, channel, cleanups);
  const onOther = await Follower.start(other.wsUrl, channel, cleanups);
  let childAlive = true;
  const acked = { count: 0 };
  const publishers = Promise.all([
    publishAll(() => (childAlive ? [child.url, other.url] : [other.url]), channel, 1, total, acked),
    publishAll(() => [other.url], channel, 2, total, acked),
  ]);
  await waitFor(() => acked.count >= total / 2, { timeoutMs: 30_000 });
  await child.kill();
  childAlive = false;
  await onChild.client.closed();
  await onChild.moveTo(other.wsUrl);
  await publishers;
  await expectExactly([onChild, onOther], total);
}

/**
 * Two nodes on `engine` with a subscriber and a publisher on each; halfway, `restartEngine()` runs while
 * both keep publishing (retrying until the engine is back). A subscriber whose node closes it (a live gap
 * it could not fill while the engine was down) resumes on the same node.
 */
export async function engineRestartScenario(
  engine: NodeEngine,
  restartEngine: () => Promise<void>,
  cleanups: Cleanups,
  total = 120,
): Promise<void> {
  const channel = 'run:restart';
  const a = await inProcessNode(engine, cleanups);
  const b = await inProcessNode(engine, cleanups);
  const followers = [
    await Follower.start(a.wsUrl, channel, cleanups),
    await Follower.start(b.wsUrl, channel, cleanups),
  ];
  followers[0]?.keepResuming(a.wsUrl);
  followers[1]?.keepResuming(b.wsUrl);
  const acked = { count: 0 };
  const publishers = Promise.all([
    publishAll(() => [a.url], channel, 1, total, acked),
    publishAll(() => [b.url], channel, 2, total, acked),
  ]);
  const epochOf = async () => {
    const res = await http(`${a.url}/v1/channels/${channel}/events?after=0&limit=1`, { method: 'GET' });
    return (res.body as { epoch: string }).epoch;
  };
  await waitFor(() => acked.count >= total / 2, { timeoutMs: 30_000 });
  const epoch = await epochOf();
  await restartEngine();
  await publishers;
  await expectExactly(followers, total);
  // The history survived: same epoch, so clients resuming with their position keep it.
  expect(await epochOf()).toBe(epoch);
}
