import type { ClientContext } from '../context.js';
import type { Transport, TransportHandlers, TransportName, WebSocketConstructorLike } from '../types.js';
import { openPolling } from './polling.js';
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

/** Opens transport `name` reporting to `handlers`: the WebSocket `WS` at `urls.ws`, or polling at `urls.http`. */
export function openTransport(
  name: TransportName,
  ctx: ClientContext,
  urls: { ws: string; http: string },
  WS: WebSocketConstructorLike | undefined,
  handlers: TransportHandlers,
): Transport {
  return name === 'polling'
    ? openPolling(
        urls.http,
        ctx.env,
        ctx.options.pollIntervalMs ?? 2000,
        ctx.connectTimeoutMs,
        handlers,
        ctx.counters,
      )
    : openWebSocket(urls.ws, WS!, handlers); // picked only with a WebSocket
}
