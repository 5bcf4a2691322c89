import type { ClientContext } from '../context.js';
import type { Transport, TransportHandlers, TransportName, WebSocketConstructorLike } from '../types.js';
import { openWebSocket } from './websocket.js';

/**
 * The transport for the next attempt among `allowed`: the WebSocket when there is one (`WS`), unless it
 * `fellBack` (failed `fallbackAfter` times before it ever connected) and polling is allowed. Null when
 * none is usable.
 */
export function pickTransport(
  allowed: readonly TransportName[],
  WS: WebSocketConstructorLike | undefined,
  fellBack: boolean,
): TransportName | null {
  const canPoll = allowed.includes('polling');
  if (!WS) return canPoll ? 'polling' : null;
  return canPoll && fellBack ? 'polling' : 'websocket';
}

type PollingModule = typeof import('./polling.js');
let polling: Promise<PollingModule> | undefined;
let loaded: PollingModule | undefined;

/**
 * Loads the polling fallback, once. It is a chunk of its own (bundlers split a dynamic import), so the
 * bytes every page loads are the WebSocket client's; a client fetches the fallback only when it may need
 * it, after a WebSocket failure or when polling is its only transport.
 */
export function loadPolling(): Promise<PollingModule> {
  polling ??= import('./polling.js').then((m) => {
    loaded = m;
    return m;
  });
  return polling;
}

/** The polling fallback if it is loaded: always, once a polling connection is open. */
export const loadedPolling = (): PollingModule | undefined => loaded;

/**
 * Opens transport `name` reporting to `handlers`: the WebSocket `WS` at `urls.ws`, or polling at `urls.http`
 * (at once when its module is loaded, else once it is, unless `current()` is false by then: the attempt was
 * dropped). Throws, or rejects, when the transport cannot be opened.
 */
export function openTransport(
  name: TransportName,
  ctx: ClientContext,
  urls: { ws: string; http: string },
  WS: WebSocketConstructorLike | undefined,
  handlers: TransportHandlers,
  current: () => boolean,
): Transport | Promise<Transport | null> {
  if (name === 'websocket') return openWebSocket(urls.ws, WS!, handlers); // picked only with a WebSocket
  const open = ({ openPolling }: PollingModule) =>
    openPolling(
      urls.http,
      ctx.env,
      ctx.options.pollIntervalMs ?? 2000,
      ctx.connectTimeoutMs,
      handlers,
      ctx.counters,
    );
  return loaded ? open(loaded) : loadPolling().then((m) => (current() ? open(m) : null));
}
