import { CloseCode, type JsonValue } from '@herald/protocol';
import type { HeraldClient } from '../types.js';
import { mapMessage } from './mapping.js';
import { createSourceClient } from './source-client.js';
import type { SourceOptions, SourcePublish, SourceResume } from './types.js';

/** A listener of any socket.io event: its arguments are whatever the server emitted. */
type Listener = (...args: unknown[]) => void;

/**
 * The part of a socket.io-client `Socket` that {@link socketIoSource} uses; the `Socket` that `io()` from
 * `socket.io-client` (4.6 or later) returns fits it.
 */
export interface SocketIoLike {
  readonly connected: boolean;
  /** Whether the last connection restored the previous session (socket.io's connection state recovery). */
  readonly recovered?: boolean;
  auth: { [key: string]: unknown } | ((cb: (data: object) => void) => void);
  connect(): unknown;
  disconnect(): unknown;
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
  onAny(listener: (event: string, ...args: unknown[]) => void): unknown;
  offAny(listener: (event: string, ...args: unknown[]) => void): unknown;
  emit(event: string, ...args: JsonValue[]): unknown;
}

/** The options {@link socketIoSource} passes to `io()`, with the app's `ioOptions` merged in. */
export interface SocketIoConnectOptions {
  /** Herald's client reconnects, with its own backoff: socket.io's is off. */
  readonly reconnection: false;
  readonly autoConnect: false;
  /** One Manager for this source alone. */
  readonly forceNew: true;
}

/** One socket.io event as {@link socketIoSource}'s mapping sees it. */
export interface SocketIoMessage {
  /** The event name the server emitted. */
  readonly event: string;
  /** Its arguments. */
  readonly args: readonly JsonValue[];
}

/** A socket.io emit: the event name and its arguments. */
export type SocketIoEmit = readonly [event: string, ...args: JsonValue[]];

/** Options of {@link socketIoSource}. */
export interface SocketIoSourceOptions extends SourceOptions<SocketIoMessage> {
  /** The socket.io server (`https://api.example.com`, or with a namespace: `https://api.example.com/jobs`). */
  url: string;
  /** `io` from `socket.io-client` (an optional peer dependency, so the app passes it). */
  io: (url: string, options: SocketIoConnectOptions) => SocketIoLike;
  /** More `io()` options (`path`, `transports`, `extraHeaders`...). Reconnection stays off. @default {} */
  ioOptions?: Readonly<Record<string, unknown>>;
  /** Event names that are Herald events. @default every event the server emits */
  events?: readonly string[];
  /**
   * The emit that asks the server for a channel (joining its room), on every connection for every
   * subscribed channel, with where the source stands on it. @default none
   */
  subscribeEmit?: (channel: string, resume: SourceResume | null) => SocketIoEmit;
  /** The emit that leaves a channel. @default none */
  unsubscribeEmit?: (channel: string) => SocketIoEmit;
  /**
   * The emit `client.publish` sends; acknowledged once emitted (with `seq: 0`), since the server sends no
   * Herald ack. @default none: publishes are refused with ERR_METHOD_NOT_ALLOWED
   */
  publishEmit?: (event: SourcePublish) => SocketIoEmit;
  /**
   * Set when `subscribeEmit` makes the server replay everything after the position it carries. Without
   * it, a reconnect is recovered only when socket.io's connection state recovery restored the session
   * (`socket.recovered`); otherwise it raises a gap (`onGap`) so the app refetches.
   * @default false
   */
  resumes?: boolean;
}

/**
 * A Herald client over a socket.io server. The token from `getToken` goes in socket.io's `auth` as
 * `{ token }`. One socket.io `Socket` serves the source's whole life, reconnected by Herald's client, so a
 * server with `connectionStateRecovery` replays what was missed and the reconnect is recovered (until the
 * server restarts: socket.io's recovery does not outlive it). docs/sources.md says what it can promise.
 */
export function socketIoSource(options: SocketIoSourceOptions): HeraldClient {
  const { url, io, events, resumes = false } = options;
  const log = options.logger ?? {};
  const now = options.environment?.now ?? Date.now;
  let socket: SocketIoLike | undefined;
  return createSourceClient(url, options, (link, token) => {
    socket ??= io(url, { ...options.ioOptions, reconnection: false, autoConnect: false, forceNew: true });
    const own = socket;
    const skip = (reason: string, cause?: unknown) =>
      log.warn?.(`herald: source skipped an event: ${reason}`, cause);
    const onConnect = () => link.up(resumes || own.recovered === true);
    const onLost = (why: unknown) => link.down(CloseCode.Abnormal, `socket.io: ${String(why)}`);
    const onAny = (event: string, ...emitted: unknown[]) => {
      const args = emitted as JsonValue[]; // socket.io's parser gives JSON values (and Buffers, kept as they are)
      if (events && !events.includes(event)) return;
      const message: SocketIoMessage = { event, args };
      const defaults = {
        fields: {},
        type: event,
        data: args[0] ?? null,
        text: JSON.stringify([event, ...args]),
      };
      link.event(mapMessage(options, message, defaults, now, skip));
    };
    const emit = (what: SocketIoEmit) => own.emit(...what);
    own.on('connect', onConnect);
    own.on('connect_error', onLost);
    own.on('disconnect', onLost);
    own.onAny(onAny);
    own.auth = { ...(typeof own.auth === 'object' ? own.auth : {}), token };
    own.connect();
    return {
      subscribe(channel, resume) {
        if (options.subscribeEmit) emit(options.subscribeEmit(channel, resume));
      },
      unsubscribe(channel) {
        if (options.unsubscribeEmit) emit(options.unsubscribeEmit(channel));
      },
      publish(event) {
        if (!options.publishEmit || !own.connected) return false;
        emit(options.publishEmit(event));
        return true;
      },
      close() {
        own.off('connect', onConnect);
        own.off('connect_error', onLost);
        own.off('disconnect', onLost);
        own.offAny(onAny);
        own.disconnect();
      },
    };
  });
}
