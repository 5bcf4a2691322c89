import type { ClientOptions, TransportName, WebSocketConstructorLike } from '../types.js';

/**
 * Which transport the next attempt uses: the WebSocket when it is allowed and available, except that a
 * WebSocket failing `fallbackAfter` times before it ever connected gives way to polling (when allowed).
 */
export interface TransportChoice {
  /** The WebSocket constructor, when the WebSocket transport is allowed and there is one. */
  readonly webSocket: WebSocketConstructorLike | undefined;
  /** The transport for the next attempt, or null when none is usable. */
  pick(): TransportName | null;
  /** An attempt or connection over `name` ended. */
  lost(name: TransportName | undefined): void;
  /** The hub accepted a connection over `name`. */
  connected(name: TransportName | undefined): void;
}

/** Creates the choice from the client's options. */
export function createTransportChoice(
  options: Pick<ClientOptions, 'WebSocket' | 'transports' | 'fallbackAfter'>,
): TransportChoice {
  const allowed = options.transports ?? ['websocket', 'polling'];
  const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  const webSocket = allowed.includes('websocket') ? WS : undefined;
  let failures = 0; // WebSocket failures before the first WebSocket connection ever
  let everConnected = false;
  return {
    webSocket,
    pick() {
      const canPoll = allowed.includes('polling');
      if (!webSocket) return canPoll ? 'polling' : null;
      return canPoll && !everConnected && failures >= (options.fallbackAfter ?? 3) ? 'polling' : 'websocket';
    },
    lost(name) {
      if (name === 'websocket' && !everConnected) failures++;
    },
    connected(name) {
      if (name === 'websocket') everConnected = true;
    },
  };
}
