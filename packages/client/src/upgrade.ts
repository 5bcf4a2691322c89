import type { WelcomeMessage } from '@herald/protocol';
import { closedText, helloMessage } from './handshake.js';
import { openWebSocket } from './transports/websocket.js';
import type { Environment, Transport, TransportHandlers, WebSocketConstructorLike } from './types.js';

/** What a probe hands over once the hub said `welcome`: the open socket and the handlers it calls. */
export interface ProbeResult {
  readonly transport: Transport;
  /** Replace `message` and `close` to take the socket over; the probe no longer listens. */
  readonly handlers: TransportHandlers;
  readonly welcome: WelcomeMessage;
  readonly bytes: number;
}

/**
 * Opens a WebSocket in the background (the client keeps polling meanwhile) and completes the `herald.v1`
 * handshake. Calls `ready` once on `welcome`, or `failed` once if the socket closes, cannot be opened or
 * takes over `timeoutMs`; a failed probe leaves nothing open. Returns a cancel that closes a probe still
 * under way without calling either callback.
 */
export function probeWebSocket(
  url: string,
  WS: WebSocketConstructorLike,
  token: string | undefined,
  timeoutMs: number,
  env: Pick<Environment, 'setTimeout' | 'clearTimeout'>,
  ready: (result: ProbeResult) => void,
  failed: (reason: string, cause?: unknown) => void,
): () => void {
  let transport: Transport | undefined;
  let done = false;
  const finish = () => {
    done = true;
    env.clearTimeout(timer);
  };
  const cancel = () => {
    if (done) return;
    finish();
    transport?.close(1000, 'upgrade probe ended');
  };
  const fail = (reason: string, cause?: unknown) => {
    if (done) return;
    cancel();
    failed(reason, cause);
  };
  const handlers: TransportHandlers = {
    open: () => transport?.send(helloMessage(token)),
    message(message, bytes) {
      // Anything before `welcome` (an auth error) is followed by a close, which fails the probe.
      if (done || message.type !== 'welcome' || !transport) return;
      finish();
      ready({ transport, handlers, welcome: message, bytes });
    },
    close: (code, reason) => fail(closedText(code, reason)),
  };
  const timer = env.setTimeout(() => fail('timed out'), timeoutMs);
  try {
    transport = openWebSocket(url, WS, handlers);
  } catch (error) {
    fail('could not open the socket', error);
  }
  return cancel;
}
