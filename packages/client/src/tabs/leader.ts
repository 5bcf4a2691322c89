import { CloseCode } from '@herald/protocol';
import { createClient, resolveUrls } from '../client.js';
import { createEnvironment } from '../environment.js';
import type { ClientOptions, HeraldClient } from '../types.js';
import type { Bus } from './bus.js';
import { createFeeds } from './feeds.js';
import { createSession, type Port, type Session } from './session.js';
import type { TabsOptions } from './types.js';
import { toWire } from './wire.js';

/** The leading tab's side: the only hub connection, serving every tab's link. */
export interface Leader {
  /** The hub client's status, which every tab shows. */
  readonly hub: HeraldClient;
  /** Serves this tab's own client, without the BroadcastChannel. */
  connect(port: Port): Session;
  /** Ends every link (each tab's client reconnects, to the next leader) and closes the hub connection. */
  stop(): void;
}

/**
 * Starts leading: a Herald client of `options` (its WebSocket, token, outbox persistence…) connects to
 * the hub, the tabs' `up` messages open sessions on it (a `hello` on a new link), and every status change
 * is announced with a `beat`, which also answers each follower's `probe`.
 */
export function startLeader(
  id: string,
  options: ClientOptions,
  bus: Bus,
  tabs: Pick<TabsOptions, 'heartbeatMs' | 'tokenCheckMs'>,
): Leader {
  const hub = createClient(options);
  const env = createEnvironment(options.environment);
  const baseUrl = resolveUrls([options.url].flat()[0]!).http;
  const feeds = createFeeds(hub, baseUrl, env);
  const sessions = new Map<string, Session>();
  let links = 0;

  const serve = (link: string, port: Port): Session => {
    const session = createSession(port, {
      id: link,
      hub,
      feeds,
      env,
      ...tabs,
      onEnd: () => sessions.delete(link),
    });
    sessions.set(link, session);
    return session;
  };
  const beat = () => bus.post({ k: 'beat', leader: id, status: toWire(hub.getStatus()) });
  const offStatus = hub.on('status', beat);
  const offBus = bus.listen((m) => {
    if (m.k === 'probe') beat();
    else if (m.k === 'up' && m.leader === id) {
      const link = m.link;
      let session = sessions.get(link);
      if (!session && m.m.type === 'hello')
        session = serve(link, {
          send: (message) => bus.post({ k: 'down', link, m: message }),
          close: (code, reason) => bus.post({ k: 'close', link, code, reason }),
        });
      session?.receive(m.m);
    } else if (m.k === 'close')
      sessions.get(m.link)?.end(); // the tab closed its link
    else if (m.k === 'reconnect' && m.leader === id) hub.reconnect();
  });
  beat();

  return {
    hub,
    connect: (port) => serve(`${id}.local${++links}`, port),
    stop() {
      offBus();
      offStatus();
      for (const session of [...sessions.values()]) session.end(CloseCode.ServiceRestart, 'leader left');
      bus.post({ k: 'bye', leader: id });
      hub.close(); // its persisted outbox stays stored, for the next leader to send
    },
  };
}
