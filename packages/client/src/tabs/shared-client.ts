import { createClient } from '../client.js';
import { createEmitter } from '../emitter.js';
import { createEnvironment } from '../environment.js';
import type { ClientEventMap, ConnectionStatus } from '../types.js';
import { openBus } from './bus.js';
import { elect } from './election.js';
import { type Leader, startLeader } from './leader.js';
import { createLinks, type Target } from './link.js';
import { createStatusView } from './status-view.js';
import type { SharedClient, SharedClientOptions, TabsOptions } from './types.js';
import { createWatch, forget, sawBeat, tick } from './watch.js';
import { fromWire } from './wire.js';

const g = globalThis as unknown as Partial<Pick<TabsOptions, 'BroadcastChannel'>> & {
  navigator?: { locks?: TabsOptions['locks'] };
};

const randomId = (): string =>
  globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;

/**
 * A Herald client whose tab shares one hub connection with every other tab of the origin that uses the
 * same {@link TabsOptions.name}. The tab holding the Web Lock leads: it runs the only hub connection (with
 * this tab's options: WebSocket, `getToken`, persisted outbox…). Every tab, the leader's included, runs a
 * client over a link to it (BroadcastChannel, or a direct call in the leader's own tab), so subscriptions,
 * resume, dedupe, gaps and the outbox's promises behave as with `createClient`. When the leader's tab
 * closes or stops answering, another tab takes the lock within `leaderTimeoutMs` and every tab's client
 * resumes each channel from its own last position. Without Web Locks or BroadcastChannel this is
 * `createClient(options)`: one connection per tab.
 */
export function createSharedClient(options: SharedClientOptions): SharedClient {
  const { tabs = {}, shareAcrossTabs: _sharing, ...own } = options; // the tab's own clients do not share
  const locks = 'locks' in tabs ? tabs.locks : g.navigator?.locks;
  const BC = 'BroadcastChannel' in tabs ? tabs.BroadcastChannel : g.BroadcastChannel;
  if (!locks || !BC) {
    const alone = createClient(own);
    return Object.defineProperty(alone, 'leading', { get: () => alone.state !== 'closed' }) as SharedClient;
  }
  const heartbeatMs = tabs.heartbeatMs ?? 1000;
  const leaderTimeoutMs = tabs.leaderTimeoutMs ?? 3000;
  const tokenCheckMs = tabs.tokenCheckMs ?? 15_000;
  const name = tabs.name ?? `herald:${[own.url].flat().join(' ')}`;
  const env = createEnvironment(own.environment);
  const tabId = randomId();
  const bus = openBus(BC, name);
  const watch = createWatch();
  const events = createEmitter<ClientEventMap>();
  let leader: Leader | null = null;
  let offHub = () => {};
  let hubStatus: ConnectionStatus | null = null;

  const target = (): Target | null =>
    leader ? { local: leader } : watch.leader ? { remote: watch.leader } : null;
  const links = createLinks(tabId, bus, target);
  // The tab's own client talks to the leader only, so the network is the leader's business: it stays
  // up offline (a publish then waits in the leader's persisted outbox, not in this tab's memory).
  const app = createClient({
    ...own,
    persistence: null,
    openTransport: links.open,
    environment: { ...own.environment, isOnline: () => true, onOnlineChange: () => () => undefined },
  });
  const view = createStatusView(app, events);

  const election = elect(locks, name, {
    lead() {
      const mine = startLeader(tabId, own, bus, { heartbeatMs, tokenCheckMs });
      leader = mine;
      offHub = mine.hub.on('status', () => view.setHub(mine.hub.getStatus()));
      view.setHub(mine.hub.getStatus());
      links.retarget();
    },
    lose() {
      offHub();
      leader?.stop();
      leader = null;
      view.setHub(null);
      links.retarget();
    },
  });

  const offBus = bus.listen((m) => {
    if (leader) return; // a leader that was replaced learns it from its lock, not from beats
    if (m.k === 'beat') {
      const changed = sawBeat(watch, m.leader);
      hubStatus = fromWire(m.status, hubStatus);
      view.setHub(hubStatus);
      if (changed) links.retarget();
    } else if (m.k === 'bye' && forget(watch, m.leader)) {
      view.setHub(null);
      links.retarget();
    }
  });

  // Ask whether the leader is alive every heartbeat; take over when it stopped answering.
  const maxMisses = Math.max(1, Math.ceil(leaderTimeoutMs / heartbeatMs));
  let timer: unknown;
  const check = () => {
    if (!leader && tick(watch, maxMisses) === 'dead') {
      view.setHub(null);
      links.retarget();
      election.steal();
    }
    if (!leader) bus.post({ k: 'probe', from: tabId });
    timer = env.setTimeout(check, heartbeatMs);
  };
  bus.post({ k: 'probe', from: tabId });
  timer = env.setTimeout(check, heartbeatMs);

  return {
    get leading() {
      return leader !== null;
    },
    get state() {
      return view.status().state;
    },
    getStatus: view.status,
    connect: app.connect,
    reconnect() {
      app.reconnect();
      if (leader) leader.hub.reconnect();
      else if (watch.leader) bus.post({ k: 'reconnect', leader: watch.leader });
    },
    subscribe: app.subscribe,
    publish: app.publish,
    fetchState: app.fetchState,
    stats: app.stats,
    on(event, listener) {
      return event === 'status' || event === 'state' || event === 'connected' || event === 'disconnected'
        ? events.on(event, listener)
        : app.on(event, listener);
    },
    close() {
      env.clearTimeout(timer);
      offBus();
      view.close();
      app.close();
      election.close();
      offHub();
      leader?.stop();
      leader = null;
      bus.close();
      events.clear();
    },
  };
}
