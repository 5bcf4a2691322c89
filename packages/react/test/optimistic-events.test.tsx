// @vitest-environment jsdom
import { createHmac } from 'node:crypto';
import { createClient, type HeraldClient, type StorageLike } from '@herald/client';
import { type Hub, startHub } from '@herald/hub';
import { act, cleanup, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HeraldProvider } from '../src/context.js';
import {
  type OptimisticEventsResult,
  type UseOptimisticEventsOptions,
  useOptimisticEvents,
} from '../src/hooks/use-optimistic-events.js';
import { type Fixture, startFixture, waitFor } from './helpers.js';

interface Goal {
  readonly goalId?: string;
  readonly title: string;
}

// jsdom's TextEncoder returns arrays of another realm than this file's Uint8Array, which jose (the hub's
// token check) rejects; encode into this realm's Uint8Array, as a browser's or Node's TextEncoder does.
const RealmEncoder = globalThis.TextEncoder;
globalThis.TextEncoder = class extends RealmEncoder {
  override encode(input?: string): Uint8Array<ArrayBuffer> {
    return new Uint8Array(super.encode(input));
  }
};

let fx: Fixture | undefined;
const extraClients: HeraldClient[] = [];
const extraHubs: Hub[] = [];
afterEach(async () => {
  cleanup();
  for (const client of extraClients.splice(0)) client.close();
  for (const hub of extraHubs.splice(0)) await hub.close();
  await fx?.close();
  fx = undefined;
});

/** A StorageLike in memory that outlives clients, as localStorage outlives a page. */
function memoryStorage(): StorageLike & { readonly map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

/**
 * An HS256 connection token with the claims the hub reads, signed with node:crypto (jose, which
 * `createTestToken` uses, picks its browser build under jsdom and rejects jsdom's Uint8Array).
 */
function signToken(secret: string, claims: { sub_channels: string[]; pub_channels: string[] }): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({
    sub: 'optimistic-test',
    exp: Math.floor(Date.now() / 1000) + 600,
    ...claims,
  })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The ids of the events the hub stored on `channel` (`GET /v1/channels/{channel}/events`). */
async function storedIds(hubUrl: string, channel: string, token?: string): Promise<string[]> {
  const res = await fetch(`${hubUrl}/v1/channels/${channel}/events?after=0`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { events: { id: string }[] };
  return body.events.map((e) => e.id);
}

const Provider = ({ client, children }: { client: HeraldClient; children?: ReactNode }) => (
  <HeraldProvider client={client}>{children}</HeraldProvider>
);

/**
 * Lists the feed and records, on every render, how many rows carry `watch.id`, so a test can prove an
 * item was never shown twice and never disappeared in between.
 */
function Feed({
  channel,
  options,
  onResult,
  watch,
}: {
  channel: string;
  options?: UseOptimisticEventsOptions<Goal>;
  onResult: (feed: OptimisticEventsResult<Goal>) => void;
  watch?: { id: string | null; counts: number[] };
}) {
  const feed = useOptimisticEvents<Goal>(channel, options);
  onResult(feed);
  if (watch?.id) watch.counts.push(feed.items.filter((i) => i.id === watch.id).length);
  return (
    <ul>
      {feed.items.map((item) => (
        <li key={item.key} data-id={item.id} data-pending={item.pending}>
          {item.data.title}
        </li>
      ))}
    </ul>
  );
}

describe('useOptimisticEvents against a real hub', () => {
  it('shows a published item at once, pending, and exactly one item after the ack, in the same row', async () => {
    fx = await startFixture();
    await fx.hub.publish('goals:a', [{ type: 'goal.created', data: { title: 'Earlier' } }]);
    let feed: OptimisticEventsResult<Goal> | undefined;
    const watch = { id: null as string | null, counts: [] as number[] };
    render(
      <fx.wrapper>
        <Feed channel="goals:a" onResult={(f) => (feed = f)} watch={watch} />
      </fx.wrapper>,
    );
    await waitFor(() => feed?.status === 'live' && feed.items.length === 1);

    let sent: Promise<unknown> | undefined;
    act(() => {
      sent = feed?.publish('goal.created', { title: 'Mine' }, { id: 'goal-mine-1' });
      watch.id = 'goal-mine-1';
    });
    // Right after the click's render, before any answer from the hub: there, and pending.
    expect(feed?.items.map((i) => [i.id, i.pending, i.seq])).toEqual([
      [feed?.items[0]?.id, false, 1],
      ['goal-mine-1', true, null],
    ]);
    const row = screen.getByText('Mine');
    expect(row.getAttribute('data-pending')).toBe('true');

    const ack = await sent;
    expect(ack).toMatchObject({ id: 'goal-mine-1', seq: 2, duplicate: false });
    await waitFor(() => feed?.items.find((i) => i.id === 'goal-mine-1')?.event !== null);
    const mine = feed?.items.filter((i) => i.id === 'goal-mine-1') ?? [];
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ pending: false, seq: 2, event: { id: 'goal-mine-1', seq: 2 } });
    expect(feed?.items).toHaveLength(2);
    // The same DOM row throughout (replaced in place), now confirmed.
    expect(screen.getByText('Mine')).toBe(row);
    expect(row.getAttribute('data-pending')).toBe('false');
    // Never twice, never gone in between.
    expect(watch.counts.length).toBeGreaterThan(1);
    expect(new Set(watch.counts)).toEqual(new Set([1]));
    // The local copy is dropped once the event shows the item.
    await waitFor(() => feed?.events.length === 2);
    expect(fx.client.stats().outboxDepth).toBe(0);
  });

  it('rolls a refused publish back and exposes the error', async () => {
    const secret = 'optimistic-secret';
    const hub = await startHub({ port: 0, logger: false, auth: { jwtSecret: secret } });
    extraHubs.push(hub);
    const client = createClient({
      url: hub.url,
      WebSocket,
      // May read every goals channel but publish only to goals:open.
      getToken: () => signToken(secret, { sub_channels: ['goals:*'], pub_channels: ['goals:open'] }),
    });
    extraClients.push(client);
    let feed: OptimisticEventsResult<Goal> | undefined;
    const watch = { id: 'refused-1', counts: [] as number[] };
    render(
      <Provider client={client}>
        <Feed channel="goals:locked" onResult={(f) => (feed = f)} watch={watch} />
      </Provider>,
    );
    await waitFor(() => feed?.status === 'live');
    let sent: Promise<unknown> | undefined;
    act(() => {
      sent = feed?.publish('goal.created', { title: 'Not allowed' }, { id: 'refused-1' });
    });
    expect(feed?.items.map((i) => [i.id, i.pending])).toEqual([['refused-1', true]]);
    await expect(sent).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' });
    await waitFor(() => feed?.failures.length === 1);
    expect(feed?.items).toEqual([]);
    expect(screen.queryByText('Not allowed')).toBeNull();
    expect(feed?.failures[0]).toMatchObject({
      id: 'refused-1',
      type: 'goal.created',
      data: { title: 'Not allowed' },
      error: { code: 'ERR_FORBIDDEN' },
    });
    // Not there, shown once while pending, then gone for good.
    expect(watch.counts.filter((n, i) => n !== watch.counts[i - 1])).toEqual([0, 1, 0]);
    act(() => feed?.dismissFailure('refused-1'));
    expect(feed?.failures).toEqual([]);
    const reader = signToken(secret, { sub_channels: ['goals:*'], pub_channels: [] });
    expect(await storedIds(hub.url, 'goals:locked', reader)).toEqual([]);
  });

  it('after a reload with a persisted outbox shows the item pending, then reconciled exactly once', async () => {
    fx = await startFixture();
    const storage = memoryStorage();
    const fast = { initialMs: 50, maxMs: 200 };
    await fx.stopHub();

    // The first page: offline, the publish waits in the persisted outbox.
    const first = createClient({ url: fx.hub.url, WebSocket, persistence: storage, backoff: fast });
    extraClients.push(first);
    let feed: OptimisticEventsResult<Goal> | undefined;
    const view = render(
      <Provider client={first}>
        <Feed channel="goals:reload" options={{ persistence: storage }} onResult={(f) => (feed = f)} />
      </Provider>,
    );
    act(() => {
      feed?.publish('goal.created', { title: 'Queued offline' }, { id: 'queued-1' }).catch(() => {});
    });
    expect(feed?.items.map((i) => [i.id, i.pending])).toEqual([['queued-1', true]]);
    expect(JSON.parse(storage.map.get('herald:outbox') ?? '[]')).toMatchObject([{ id: 'queued-1' }]);

    // Reload: the page and its client go away; the outbox stays in storage.
    view.unmount();
    first.close();
    expect(storage.map.has('herald:outbox')).toBe(true);

    const second = createClient({ url: fx.hub.url, WebSocket, persistence: storage, backoff: fast });
    extraClients.push(second);
    feed = undefined as typeof feed; // the second page's feed (typed so the closure-set value is not narrowed away)
    const watch = { id: 'queued-1', counts: [] as number[] };
    render(
      <Provider client={second}>
        <Feed
          channel="goals:reload"
          options={{ persistence: storage }}
          onResult={(f) => (feed = f)}
          watch={watch}
        />
      </Provider>,
    );
    // Restored in a layout effect: the first frame the reader sees already has it.
    await waitFor(() => feed?.items.length === 1);
    expect(feed?.items[0]).toMatchObject({
      id: 'queued-1',
      pending: true,
      data: { title: 'Queued offline' },
    });
    expect(screen.getByText('Queued offline').getAttribute('data-pending')).toBe('true');

    await fx.startHubAgain();
    await waitFor(() => feed?.items[0]?.event !== null && feed?.items[0]?.event !== undefined, {
      timeoutMs: 15_000,
    });
    expect(feed?.items).toHaveLength(1);
    expect(feed?.items[0]).toMatchObject({ id: 'queued-1', pending: false, seq: 1 });
    // Once shown, shown once, and never gone again (the render before the restore had none).
    const shown = watch.counts.slice(watch.counts.indexOf(1));
    expect(shown.length).toBeGreaterThan(1);
    expect(new Set(shown)).toEqual(new Set([1]));
    expect(await storedIds(fx.hub.url, 'goals:reload')).toEqual(['queued-1']);
    await waitFor(() => !storage.map.has('herald:outbox'));
  });

  it('keyOf dedupes an entity created elsewhere: the local item and the backend’s event are one item', async () => {
    fx = await startFixture();
    const hub = fx.hub;
    let feed: OptimisticEventsResult<Goal> | undefined;
    const keyOf = (e: { data: Goal }) => e.data.goalId;
    render(
      <fx.wrapper>
        <Feed channel="goals:k" options={{ keyOf }} onResult={(f) => (feed = f)} />
      </fx.wrapper>,
    );
    await waitFor(() => feed?.status === 'live');

    // The app creates goal g1 through its own REST API; the backend publishes the event with its own id.
    let localId = '';
    let backend: Promise<unknown> = Promise.resolve();
    act(() => {
      backend = hub.publish('goals:k', [
        { type: 'goal.created', id: 'backend-g1', data: { goalId: 'g1', title: 'Launch (server)' } },
      ]);
      localId =
        feed?.insert({ type: 'goal.created', data: { goalId: 'g1', title: 'Launch' } }, backend) ?? '';
    });
    expect(feed?.items.map((i) => [i.key, i.id, i.pending])).toEqual([['g1', localId, true]]);
    await backend;
    await waitFor(() => feed?.items[0]?.event !== null);
    expect(feed?.items.map((i) => [i.key, i.id, i.pending, i.data.title])).toEqual([
      ['g1', 'backend-g1', false, 'Launch (server)'],
    ]);

    // The same entity published through this client too (another id): still one item, updated in place.
    await act(async () => {
      await feed?.publish('goal.created', { goalId: 'g1', title: 'Launch (again)' }, { id: 'mine-g1' });
    });
    await waitFor(() => feed?.items[0]?.id === 'mine-g1' && feed.items[0].event !== null);
    expect(feed?.items.map((i) => [i.key, i.data.title, i.updates])).toEqual([['g1', 'Launch (again)', 1]]);

    // Another entity is another item.
    await hub.publish('goals:k', [{ type: 'goal.created', data: { goalId: 'g2', title: 'Hire' } }]);
    await waitFor(() => feed?.items.length === 2);
    expect(feed?.items.map((i) => i.key)).toEqual(['g1', 'g2']);
    expect(feed?.events).toHaveLength(3);
  });

  it('rolls an inserted item back when its write rejects', async () => {
    fx = await startFixture();
    let feed: OptimisticEventsResult<Goal> | undefined;
    render(
      <fx.wrapper>
        <Feed channel="goals:rest" onResult={(f) => (feed = f)} />
      </fx.wrapper>,
    );
    await waitFor(() => feed?.status === 'live');
    let reject: (error: Error) => void = () => {};
    const write = new Promise<void>((_, no) => {
      reject = no;
    });
    act(() => {
      feed?.insert({ type: 'goal.created', data: { title: 'Will fail' }, id: 'rest-1' }, write);
    });
    expect(feed?.items.map((i) => [i.id, i.pending])).toEqual([['rest-1', true]]);
    await act(async () => {
      reject(new Error('HTTP 500'));
      await write.catch(() => {});
    });
    await waitFor(() => feed?.items.length === 0);
    expect(feed?.failures.map((f) => [f.id, f.error.message])).toEqual([['rest-1', 'HTTP 500']]);
  });
});
