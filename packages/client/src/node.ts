/**
 * `@herald/client` for Node (chosen through the `node` export condition): the same API as the default
 * entry, but {@link createClient} also finds the `ws` package by itself. The WebSocket used is the
 * `WebSocket` option, else `globalThis.WebSocket` (Node 22+), else `ws` when it is installed; with none,
 * the client warns once through its logger and its status shows the polling transport.
 * @packageDocumentation
 */
import { createClient as createBaseClient } from './client.js';
import type { ClientOptions, HeraldClient, WebSocketConstructorLike } from './types.js';

export * from './index.js';

/** The `ws` package's WebSocket, when there is no global one and `ws` is installed. */
async function findWs(): Promise<WebSocketConstructorLike | undefined> {
  if ((globalThis as { WebSocket?: unknown }).WebSocket) return undefined;
  // A variable specifier, ignored by bundlers: `ws` is optional, and must not be bundled or required.
  const name = 'ws';
  try {
    const ws = (await import(/* webpackIgnore: true */ /* @vite-ignore */ name)) as {
      WebSocket?: WebSocketConstructorLike;
      default?: WebSocketConstructorLike;
    };
    return ws.WebSocket ?? ws.default;
  } catch {
    return undefined;
  }
}

const ws = await findWs();

/**
 * Creates a Herald client, as the default entry's `createClient` does, using the `ws` package when
 * neither the `WebSocket` option nor `globalThis.WebSocket` is there. See {@link ClientOptions}.
 */
export function createClient(options: ClientOptions): HeraldClient {
  // `ws` is only looked for when there is no global WebSocket, so this is the option or `ws` or nothing.
  const WebSocket = options.WebSocket ?? ws;
  const none = !WebSocket && !(globalThis as { WebSocket?: unknown }).WebSocket;
  if (none && (options.transports ?? ['websocket']).includes('websocket')) {
    // Say it once rather than poll silently: polling is far slower than a socket.
    options.logger?.warn?.(
      'herald: no WebSocket in this Node (no global WebSocket, `ws` not installed): using HTTP polling. Install `ws` or pass the `WebSocket` option.',
    );
  }
  return createBaseClient(WebSocket ? { ...options, WebSocket } : options);
}
