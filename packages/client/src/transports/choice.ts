import type { ClientContext } from '../context.js';
import type {
  HubTransportName,
  Transport,
  TransportHandlers,
  TransportName,
  WebSocketConstructorLike,
} from '../types.js';
import type { createUpgrader } from '../upgrade.js';
import { openWebSocket } from './websocket.js';

/**
 * The transport for the next attempt among `allowed`: the WebSocket when there is one (`WS`), unless it
 * `fellBack` (failed `fallbackAfter` times before it ever connected); then, or without a WebSocket, the
 * first HTTP transport (`sse`, `polling`) in `allowed`'s order. Null when none is usable.
 */
export function pickTransport(
  allowed: readonly TransportName[],
  WS: WebSocketConstructorLike | undefined,
  fellBack: boolean,
): HubTransportName | null {
  const http = allowed.find((name) => name === 'sse' || name === 'polling') ?? null;
  return WS && !(fellBack && http) ? 'websocket' : http;
}

/** What the chunk of an HTTP transport (`sse.ts`, `polling.ts`) exports for the connection. */
export interface HttpChunk {
  /** Opens the transport at the hub's HTTP base URL. */
  open(baseUrl: string, ctx: ClientContext, handlers: TransportHandlers): Transport;
  /** The WebSocket upgrade, which runs only behind an HTTP transport, so it ships there, not in the core. */
  createUpgrader: typeof createUpgrader;
}

type PollingModule = typeof import('./polling.js');
const chunks: Record<string, Promise<HttpChunk>> = {};
const loaded: Record<string, HttpChunk> = {};

/**
 * Loads the chunk of HTTP transport `name` (`sse`; any other name: polling), once. Each is a chunk of its
 * own (bundlers split a dynamic import), so the bytes every page loads are the WebSocket client's; a client
 * fetches a fallback only when it may need it, after a WebSocket failure or when it is its only transport.
 */
export function loadChunk(name: TransportName): Promise<HttpChunk> {
  const key = name === 'sse' ? name : 'polling';
  chunks[key] ??= (key === 'sse' ? import('./sse.js') : import('./polling.js')).then(
    (m) => (loaded[key] = m),
  );
  return chunks[key];
}

/** The polling chunk (also the home of `fetchState`), loaded once. */
export const loadPolling = (): Promise<PollingModule> => loadChunk('polling') as Promise<PollingModule>;

/** The chunk of transport `name` if it is loaded: always, once a connection over it is open. */
export const loadedChunk = (name: TransportName): HttpChunk | undefined => loaded[name];

/**
 * Opens transport `name` reporting to `handlers`: the WebSocket `WS` at `urls.ws`, or SSE or polling at
 * `urls.http` (at once when its chunk is loaded, else once it is, unless `current()` is false by then: the
 * attempt was dropped). Throws, or rejects, when the transport cannot be opened.
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
  const chunk = loaded[name];
  const open = (c: HttpChunk) => c.open(urls.http, ctx, handlers);
  return chunk ? open(chunk) : loadChunk(name).then((c) => (current() ? open(c) : null));
}
