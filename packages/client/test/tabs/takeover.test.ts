import {
  createFaultProxy,
  createTestToken,
  range,
  startTestHub,
  type TestHub,
  waitFor,
} from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient as createCoreClient } from '../../src/client.js';
import { createClient, createSharedClient } from '../../src/tabs/index.js';
import { FAST } from '../integration/helpers.js';
import { hubConnections, origin, watch } from './helpers.js';
import { createMemoryLocks } from './memory-locks.js';
import { pausableChannels } from './pausable-channel.js';

let hub: TestHub;
let tabs: ReturnType<typeof origin>;
afterEach(async () => {
  tabs.close();
  await hub.close();
});

const publish = async (channel: string, from: number, to: number) => {
  for (let n = from; n <= to; n++) await hub.publish(channel, [{ type: 'step', data: { n } }]);
};

describe('tab sharing: takeover, tokens, offline publishes, fallback', () => {
  it('a frozen leader (no answer on the channel) is replaced within the timeout, nothing lost or repeated', async () => {
    hub = await startTestHub({ heartbeatMs: 300 });
    tabs = origin(hub);
    const frozen = pausableChannels();
    const a = tabs.tab({ tabs: { BroadcastChannel: frozen.BroadcastChannel } });
    await waitFor(() => a.leading);
    const b = tabs.tab();
    const seen = watch(b, 'run:f');
    await waitFor(() => seen.sub.position() !== null);
    await publish('run:f', 1, 5);
    await waitFor(() => seen.events.length === 5);

    frozen.freeze();
    const frozenAt = Date.now();
    await publish('run:f', 6, 10);
    await waitFor(() => b.leading, { timeoutMs: 3000 });
    expect(Date.now() - frozenAt).toBeLessThan(2000); // leaderTimeoutMs 400 here, 3000 by default
    expect(a.leading).toBe(false); // its lock was taken: it stopped leading and closed its connection
    await publish('run:f', 11, 15);
    await waitFor(() => seen.events.length === 15);
    expect(seen.seqs()).toEqual(range(1, 15));
    expect(seen.gaps).toEqual([]);
    await waitFor(async () => (await hubConnections(hub)) === 1);
  });

  it('a tab whose getToken gives nothing stops receiving; a tab without the right is refused; others go on', async () => {
    const secret = 'tabs-secret';
    hub = await startTestHub({ heartbeatMs: 300, auth: { jwtSecret: secret } });
    tabs = origin(hub, { tokenCheckMs: 150 });
    const all = await createTestToken({ secret, subChannels: ['*'] });
    const other = await createTestToken({ secret, subChannels: ['other:*'] });
    const a = tabs.tab({ getToken: () => all });
    const seenA = watch(a, 'run:t');
    await waitFor(() => seenA.sub.position() !== null);
    let loggedIn = true;
    const b = tabs.tab({ getToken: () => (loggedIn ? all : null) });
    const seenB = watch(b, 'run:t');
    const c = tabs.tab({ getToken: () => other });
    const seenC = watch(c, 'run:t');
    await waitFor(() => seenB.sub.position() !== null && seenC.errors.length === 1);
    expect(seenC.errors[0]).toMatchObject({ code: 'ERR_FORBIDDEN' });
    await publish('run:t', 1, 3);
    await waitFor(() => seenB.events.length === 3);

    loggedIn = false;
    await waitFor(() => b.state === 'failed', { timeoutMs: 3000 });
    expect(b.getStatus().lastError).toMatchObject({ code: 'ERR_UNAUTHORIZED' });
    await publish('run:t', 4, 6);
    await waitFor(() => seenA.events.length === 6);
    expect(seenB.seqs()).toEqual([1, 2, 3]);
    expect(seenC.events).toEqual([]);
  });

  it('a publish from a follower while the hub is down waits in the leader’s persisted outbox and is stored once', async () => {
    hub = await startTestHub({ heartbeatMs: 300 });
    const proxy = await createFaultProxy({ targetPort: hub.port });
    tabs = origin(hub, {}, proxy.url);
    const storage = new Map<string, string>();
    const persistence = {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    };
    try {
      const a = tabs.tab({ persistence, lazy: false });
      await waitFor(() => a.state === 'connected' && a.leading);
      const b = tabs.tab({ persistence, lazy: false });
      await waitFor(() => b.state === 'connected');

      proxy.refuseNew(true);
      proxy.cutAll();
      await waitFor(() => b.state !== 'connected'); // the one connection's state, in every tab
      const acked = b.publish('notes:1', 'note.added', { text: 'offline' }, { id: 'note-1' });
      await waitFor(() => storage.get('herald:outbox')?.includes('note-1') === true);
      a.close(); // the leader goes with the note in its outbox; b leads and sends what is stored
      await waitFor(() => b.leading);
      proxy.refuseNew(false);
      expect(await acked).toMatchObject({ id: 'note-1', seq: 1 });
      const res = await fetch(`${hub.url}/v1/channels/notes:1/events?after=0`);
      const { events } = (await res.json()) as { events: { id: string }[] };
      expect(events.map((e) => e.id)).toEqual(['note-1']);
      await waitFor(() => !storage.has('herald:outbox'));
    } finally {
      tabs.close();
      await proxy.close();
    }
  });

  it('without Web Locks each tab has a connection of its own', async () => {
    hub = await startTestHub({ heartbeatMs: 300 });
    tabs = origin(hub);
    const alone = [1, 2].map(() =>
      createSharedClient({ url: hub.url, ...FAST, lazy: false, tabs: { locks: undefined } }),
    );
    try {
      await waitFor(() => alone.every((c) => c.state === 'connected'));
      expect(alone.map((c) => c.leading)).toEqual([true, true]);
      await waitFor(async () => (await hubConnections(hub)) === 2);
    } finally {
      for (const c of alone) c.close();
    }
  });

  it('shareAcrossTabs: the tabs entry shares one connection; the core refuses the option instead of ignoring it', async () => {
    hub = await startTestHub({ heartbeatMs: 300 });
    tabs = origin(hub);
    const locks = createMemoryLocks();
    const name = `herald-test:${Math.random()}`;
    const shared = [1, 2].map(() =>
      createClient({ url: hub.url, ...FAST, lazy: false, shareAcrossTabs: true, tabs: { locks, name } }),
    );
    try {
      await waitFor(() => shared.every((c) => c.state === 'connected'));
      expect(shared.map((c) => c.leading).sort()).toEqual([false, true]);
      await waitFor(async () => (await hubConnections(hub)) === 1);
    } finally {
      for (const c of shared) c.close();
    }
    expect(() => createCoreClient({ url: hub.url, shareAcrossTabs: true })).toThrow(
      new TypeError("herald: shareAcrossTabs needs createClient from '@herald/client/tabs'"),
    );
  });
});
