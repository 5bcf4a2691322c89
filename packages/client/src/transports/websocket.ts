import { CloseCode, parseServerMessage, SUBPROTOCOL } from '@herald/protocol';
import type { Transport, TransportHandlers, WebSocketConstructorLike } from '../types.js';

/**
 * Opens a WebSocket speaking `herald.v1`. Once `close()` is called, or the socket closed, no handler fires
 * again; a no-op `onerror` stays attached so late errors of a discarded socket are absorbed (the `ws`
 * package would otherwise throw them).
 */
export function openWebSocket(
  url: string,
  WS: WebSocketConstructorLike,
  handlers: TransportHandlers,
): Transport {
  const ws = new WS(url, SUBPROTOCOL);
  const detach = () => {
    ws.onopen = ws.onmessage = ws.onclose = null;
  };
  ws.onerror = () => {}; // the close event that follows carries the code
  ws.onopen = () => handlers.open();
  ws.onmessage = ({ data }) => {
    if (typeof data !== 'string') return; // herald.v1 is text-only
    const parsed = parseServerMessage(data);
    if (parsed.ok) handlers.message(parsed.message, data.length);
  };
  ws.onclose = ({ code, reason }) => {
    detach();
    handlers.close(code, reason);
  };
  return {
    name: 'websocket',
    send(message) {
      const text = JSON.stringify(message);
      ws.send(text);
      return text.length;
    },
    close(code: number = CloseCode.Normal, reason = '') {
      detach();
      try {
        ws.close(code, reason);
      } catch {
        // closing a socket that never opened can throw in some implementations
      }
    },
  };
}
