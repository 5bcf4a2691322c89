import type { ClientMessage } from '@herald/protocol';
import { CloseCode } from '@herald/protocol';
import type { ClientContext } from './context.js';

/**
 * Reacts to the network and the page: going offline drops the connection at once (no waiting for a dead
 * socket to time out); coming online, or the page becoming visible, retries a waiting client now; a
 * visible page pings a connection that may have died while hidden. Returns a stop.
 */
export function watchPresence(
  ctx: ClientContext,
  teardown: (reason: string) => void,
  open: () => void,
  send: (message: ClientMessage) => void,
): () => void {
  const { env, store } = ctx;
  const offOnline = env.onOnlineChange((online) => {
    const state = store.state;
    if (!online && (state === 'connecting' || state === 'connected' || state === 'reconnecting')) {
      teardown('offline');
      store.setState('offline', { nextRetryAt: null }, CloseCode.Abnormal, 'offline');
    } else if (online && state === 'offline') open();
  });
  const offVisible = env.onVisible(() => {
    if (store.state === 'reconnecting') open();
    else if (store.state === 'connected') send({ type: 'ping', ts: env.now() });
  });
  return () => {
    offOnline();
    offVisible();
  };
}
