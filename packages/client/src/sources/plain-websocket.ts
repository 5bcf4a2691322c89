import { CloseCode, type JsonValue } from '@herald/protocol';
import type { HeraldClient, WebSocketConstructorLike } from '../types.js';
import { fieldsOf, mapMessage } from './mapping.js';
import { createSourceClient } from './source-client.js';
import type { SourceOptions, SourcePublish, SourceResume } from './types.js';

/** Options of {@link plainWebSocketSource}. `M` is a message as `parse` returns it. */
export interface PlainWebSocketSourceOptions<M = JsonValue> extends SourceOptions<M> {
  /** The endpoint (`wss://api.example.com/events`), or a function of the token from `getToken`. */
  url: string | ((token: string | undefined) => string);
  /** WebSocket implementation (in Node 20, `WebSocket` from the `ws` package). @default globalThis.WebSocket */
  WebSocket?: WebSocketConstructorLike;
  /** Subprotocols to offer. @default none */
  protocols?: string | string[];
  /** Turns a text frame into a message; a frame it throws on is skipped. @default JSON.parse */
  parse?: (text: string) => M;
  /**
   * The message that asks the backend for a channel, sent on every connection for every subscribed
   * channel (with where the source stands on it, so a backend that can resume may start after it).
   * @default none: the backend sends what it sends
   */
  subscribeMessage?: (channel: string, resume: SourceResume | null) => JsonValue;
  /** The message that tells the backend a channel is no longer wanted. @default none */
  unsubscribeMessage?: (channel: string) => JsonValue;
  /**
   * The message `client.publish` sends. The backend sends no ack, so a publish is acknowledged once it is
   * written to the socket (with `seq: 0`), and one written just before a loss may be lost.
   * @default none: publishes are refused with ERR_METHOD_NOT_ALLOWED
   */
  publishMessage?: (event: SourcePublish) => JsonValue;
  /**
   * Set when the backend replays, from the position `subscribeMessage` carries, every message the source
   * missed while disconnected. Then a reconnect resumes (`recovered: true`, no gap); otherwise every
   * reconnect raises a gap (`onGap`) so the app refetches.
   * @default false
   */
  resumes?: boolean;
}

/**
 * A Herald client over a plain JSON-over-WebSocket endpoint that has no hub (such as a FastAPI `/events`
 * socket): the mapping says which channel, id, order, type and data each message has. It has the status,
 * backoff, dedupe and hooks of a Herald subscription; docs/sources.md says what it can promise.
 */
export function plainWebSocketSource<M = JsonValue>(options: PlainWebSocketSourceOptions<M>): HeraldClient {
  const { url, protocols, parse = JSON.parse as (text: string) => M, resumes = false } = options;
  const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  const log = options.logger ?? {};
  const now = options.environment?.now ?? Date.now;
  return createSourceClient(typeof url === 'string' ? url : 'source', options, (link, token) => {
    if (!WS) throw new TypeError('herald: plainWebSocketSource needs a WebSocket (the `WebSocket` option)');
    const ws = protocols
      ? new WS(typeof url === 'string' ? url : url(token), protocols)
      : new WS(typeof url === 'string' ? url : url(token));
    const send = (message: JsonValue) => ws.send(JSON.stringify(message));
    const detach = () => {
      ws.onopen = ws.onmessage = ws.onclose = null;
    };
    ws.onerror = () => {}; // the close that follows says what happened
    ws.onopen = () => link.up(resumes);
    ws.onmessage = ({ data }) => {
      if (typeof data !== 'string') return;
      let message: M;
      try {
        message = parse(data);
      } catch (cause) {
        log.warn?.('herald: source skipped a frame it could not parse', cause);
        return;
      }
      const defaults = { fields: fieldsOf(message), type: 'message', data: message as JsonValue, text: data };
      link.event(
        mapMessage(options, message, defaults, now, (reason, cause) =>
          log.warn?.(`herald: source skipped a message: ${reason}`, cause),
        ),
      );
    };
    ws.onclose = ({ code, reason }) => {
      detach();
      // The backend's close codes are its own, not Herald's: every close is a loss to reconnect from.
      link.down(CloseCode.Abnormal, `backend closed (${code}${reason ? ` ${reason}` : ''})`);
    };
    return {
      subscribe(channel, resume) {
        if (options.subscribeMessage) send(options.subscribeMessage(channel, resume));
      },
      unsubscribe(channel) {
        if (options.unsubscribeMessage) send(options.unsubscribeMessage(channel));
      },
      publish(event) {
        if (!options.publishMessage || ws.readyState !== 1) return false;
        send(options.publishMessage(event));
        return true;
      },
      close() {
        detach();
        try {
          ws.close(CloseCode.Normal);
        } catch {
          // closing a socket that never opened can throw in some implementations
        }
      },
    };
  });
}
