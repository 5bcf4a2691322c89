import { CloseCode } from '@herald/protocol';
import type { Transport, TransportHandlers } from '../types.js';
import type { Bus } from './bus.js';
import type { Leader } from './leader.js';

/** Where this tab's client connects: its own leader, or another tab's (by id). */
export type Target = { readonly local: Leader } | { readonly remote: string };

/** This tab's links to the leader: the transports its client opens (`ClientOptions.openTransport`). */
export interface Links {
  /** Opens a link to the leader, once one is known (the client's connect timeout bounds the wait). */
  open(handlers: TransportHandlers): Transport | Promise<Transport>;
  /** The leader changed: links to another close (their client reconnects, to it), waiting ones proceed. */
  retarget(): void;
}

interface OpenLink {
  readonly to: Target;
  drop(code: number, reason: string): void;
}

const same = (a: Target, b: Target): boolean =>
  'local' in a ? 'local' in b && a.local === b.local : 'remote' in b && a.remote === b.remote;

/**
 * Creates the links of tab `tabId`. A link to this tab's own leader calls it directly (asynchronously,
 * as a socket would); one to another tab's carries `herald.v1` messages over the bus, addressed by link id.
 */
export function createLinks(tabId: string, bus: Bus, target: () => Target | null): Links {
  const open = new Set<OpenLink>();
  const waiting = new Set<() => void>();
  let n = 0;

  const connect = (handlers: TransportHandlers, to: Target): Transport => {
    let closed = false;
    let cleanup = () => {};
    const link: OpenLink = {
      to,
      drop(code, reason) {
        if (closed) return;
        closed = true;
        open.delete(link);
        cleanup();
        handlers.close(code, reason);
      },
    };
    open.add(link);
    const later = (fn: () => void) =>
      queueMicrotask(() => {
        if (!closed) fn();
      });
    // A task, not a microtask: a link opened for a waiting attempt must reach the client (which takes it
    // when the attempt's promise resolves) before it reports open, or the client would not send `hello`.
    setTimeout(() => {
      if (!closed) handlers.open();
    }, 0);
    const stop = () => {
      closed = true;
      open.delete(link);
      cleanup();
    };
    if ('local' in to) {
      const session = to.local.connect({
        send: (m) => later(() => handlers.message(m, 0)),
        close: (code, reason) => later(() => link.drop(code, reason)),
      });
      cleanup = () => session.end();
      return {
        name: 'custom',
        send(m) {
          later(() => session.receive(m));
          return 0;
        },
        close: stop,
      };
    }
    const id = `${tabId}.${++n}`;
    const leader = to.remote;
    const off = bus.listen((w) => {
      if (w.k === 'down' && w.link === id && !closed) handlers.message(w.m, 0);
      else if (w.k === 'close' && w.link === id) link.drop(w.code, w.reason);
    });
    cleanup = () => {
      off();
      bus.post({ k: 'close', link: id, code: CloseCode.Normal, reason: 'link closed' });
    };
    return {
      name: 'custom',
      send(m) {
        if (!closed) bus.post({ k: 'up', leader, link: id, m });
        return 0;
      },
      close: stop,
    };
  };

  return {
    open(handlers) {
      const to = target();
      if (to) return connect(handlers, to);
      return new Promise<Transport>((resolve) => {
        const go = () => {
          const now = target();
          if (!now) return;
          waiting.delete(go);
          resolve(connect(handlers, now));
        };
        waiting.add(go);
      });
    },
    retarget() {
      const to = target();
      for (const link of [...open])
        if (!to || !same(link.to, to)) link.drop(CloseCode.ServiceRestart, 'leader changed');
      if (to) for (const go of [...waiting]) go();
    },
  };
}
