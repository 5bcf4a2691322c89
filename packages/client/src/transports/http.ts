import {
  closeCodeFor,
  ErrorCode,
  HeraldError,
  type PublishMessage,
  type PublishResponseBody,
  type ServerMessage,
  type StateBody,
  type SubscribeMessage,
  type UnsubscribeMessage,
} from '@herald/protocol';
import { hubError, knownCode, readJson, retryableStatus } from '../hub-error.js';
import type { Environment, HubTransportName, Transport, TransportHandlers } from '../types.js';

// What the HTTP transports (polling, SSE) share: they play the hub's side of herald.v1 locally, and
// publish over HTTP the same way. A chunk of its own that both lazily loaded transports import.

/** The close for a refused HTTP read: the hub's error code says which (1011 when the body is no Herald error). */
export async function refusedClose(res: Response): Promise<number> {
  return closeCodeFor(knownCode(hubError(await readJson(res))));
}

/** The `Authorization` header for a connection token, none without one. */
export const bearer = (token: string | undefined): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

/** `${baseUrl}/v1/channels/{channel}/${path}`. */
export const channelUrl = (baseUrl: string, channel: string, path: string): string =>
  `${baseUrl}/v1/channels/${encodeURIComponent(channel)}/${path}`;

/**
 * `GET /v1/channels/{channel}/state` (the client's `fetchState`, and the polling fallback's snapshot).
 * Rejects with a {@link HeraldError}: the hub's code, or `ERR_CONNECTION_LOST` when it cannot be reached.
 */
export async function fetchState(
  baseUrl: string,
  env: Environment,
  token: string | undefined,
  channel: string,
  signal?: AbortSignal,
): Promise<StateBody> {
  let res: Response;
  try {
    res = await env.fetch(channelUrl(baseUrl, channel, 'state'), {
      headers: bearer(token),
      ...(signal && { signal }),
    });
  } catch (cause) {
    throw new HeraldError(ErrorCode.ConnectionLost, `could not fetch the state of ${channel}`, { cause });
  }
  const body = (await readJson(res)) as StateBody | null;
  if (res.ok && body) return body;
  const error = hubError(body);
  throw new HeraldError(knownCode(error), error?.message ?? `state answered HTTP ${res.status}`);
}

/**
 * Publishes as `POST /v1/channels/{channel}/events` with the event's id (so a resend is stored once) and
 * answers as the hub would over a socket: `ack`, or `error` (5xx, 429 and network failures retryable,
 * other refusals with the hub's code).
 */
async function publishOverHttp(
  baseUrl: string,
  env: Environment,
  token: string | undefined,
  { rid, channel, event }: PublishMessage,
  signal: AbortSignal,
): Promise<ServerMessage> {
  try {
    const res = await env.fetch(channelUrl(baseUrl, channel, 'events'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify(event),
      signal,
    });
    const body = (await res.json()) as Partial<PublishResponseBody>;
    const error = hubError(body);
    const ack = body.events?.[0];
    const { status } = res;
    return res.ok && ack
      ? { ...ack, type: 'ack', rid, channel }
      : {
          type: 'error',
          rid,
          code: ErrorCode.Internal,
          message: `publish answered HTTP ${status}`,
          ...error,
          retryable: retryableStatus(status) || error?.retryable === true,
        };
  } catch (cause) {
    return {
      type: 'error',
      rid,
      code: ErrorCode.ConnectionLost,
      message: `publish failed: ${cause}`,
      retryable: true,
    };
  }
}

/** What an HTTP transport does itself; {@link httpTransport} plays the rest of the hub's side. */
export interface HttpTransportParts {
  /** `hello` was answered with `welcome`; `token` is the connection token it carried. */
  hello(token: string | undefined): void;
  /** Starts reading a channel. */
  subscribe(message: SubscribeMessage): void;
  /** Stops reading a channel (it is answered `unsubscribed` here). */
  unsubscribe(message: UnsubscribeMessage): void;
}

/**
 * A {@link Transport} over HTTP named `name` that answers as the hub would: `hello` with `welcome` (no
 * heartbeat: the transport watches its own requests), `ping` with `pong`, `unsubscribe` with
 * `unsubscribed`, and sends publishes one at a time, in order, over HTTP ({@link publishOverHttp}). Replies
 * are async, like the network, so the client never re-enters itself; nothing is delivered once `signal`
 * is aborted (the transport closed). `close` calls `stop`.
 */
export function httpTransport(
  name: HubTransportName,
  baseUrl: string,
  env: Environment,
  handlers: TransportHandlers,
  signal: AbortSignal,
  parts: HttpTransportParts,
  stop: () => void,
): Transport {
  let token: string | undefined;
  let opened = false;
  let posts = Promise.resolve();
  const deliver = (message: ServerMessage) => {
    if (!signal.aborted) handlers.message(message, 0);
  };
  const reply = (message: ServerMessage) => Promise.resolve().then(() => deliver(message));
  env.setTimeout(() => signal.aborted || handlers.open(), 0);
  return {
    name,
    send(message) {
      if (signal.aborted) return 0;
      if (!opened) {
        opened = true; // the first message is `hello`
        if (message.type === 'hello') token = message.token;
        reply({
          type: 'welcome',
          connectionId: name,
          heartbeatMs: 0,
          maxFrameBytes: 65_536,
          tokenExpiresAt: null,
        });
        parts.hello(token);
        return 0;
      }
      switch (message.type) {
        case 'subscribe':
          parts.subscribe(message);
          break;
        case 'unsubscribe':
          parts.unsubscribe(message);
          reply({ ...message, type: 'unsubscribed' });
          break;
        case 'publish':
          // One at a time keeps the publish order.
          posts = posts.then(() => publishOverHttp(baseUrl, env, token, message, signal).then(deliver));
          break;
        case 'ping':
          reply({ ...message, type: 'pong' });
          break;
      }
      return 0;
    },
    close: stop,
  };
}
