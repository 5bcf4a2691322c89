import {
  type ClientMessage,
  closeAction,
  ErrorCode,
  HeraldError,
  isValidChannel,
  type JsonValue,
  type ServerMessage,
} from '@herald/protocol';
import { createTokenSource } from './auth.js';
import { backoffDelay, DEFAULT_BACKOFF, mayRetry } from './backoff.js';
import { createEmitter, safeCall } from './emitter.js';
import { createEnvironment } from './environment.js';
import { closedText, helloMessage } from './handshake.js';
import { createOutbox, DEFAULT_OUTBOX, type OutboxItem } from './outbox.js';
import { createCounters } from './stats.js';
import { createStatusStore } from './status.js';
import {
  acceptEvent,
  applySubscribed,
  type ChannelEntry,
  createEntry,
  subscribeMessage,
} from './subscriptions.js';
import { createTimers } from './timers.js';
import { openPolling } from './transports/polling.js';
import { openWebSocket } from './transports/websocket.js';
import type {
  ClientEventMap,
  ClientOptions,
  HeraldClient,
  SubscribeOptions,
  Transport,
  TransportName,
  WebSocketConstructorLike,
} from './types.js';
import { probeWebSocket } from './upgrade.js';

/** Error codes for close codes, so `status.lastError` says why the connection ended. */
const CLOSE_ERRORS: Record<number, ErrorCode> = {
  1012: ErrorCode.ShuttingDown,
  4001: ErrorCode.PingTimeout,
  4002: ErrorCode.HelloRequired,
  4003: ErrorCode.HandshakeTimeout,
  4006: ErrorCode.ProtocolVersion,
  4008: ErrorCode.SlowConsumer,
  4401: ErrorCode.Unauthorized,
  4403: ErrorCode.Forbidden,
  4409: ErrorCode.TokenExpired,
};

/** Client-side close code for failures that never reached the hub (connect timeout, no token). */
const ABNORMAL = 1006;

let fallbackIds = 0;
/** A unique event id, so retried publishes are stored once. */
const newId = (): string =>
  globalThis.crypto?.randomUUID?.() ??
  `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${++fallbackIds}`;

/** `http(s)://host[:port]` or `ws(s)://host[:port]/v1/ws` → both forms. */
export function resolveUrls(url: string): { ws: string; http: string } {
  const base = url.replace(/\/v1\/ws\/?$/, '').replace(/\/+$/, '');
  return { ws: `${base.replace(/^http/, 'ws')}/v1/ws`, http: base.replace(/^ws/, 'http') };
}

/**
 * Creates a Herald client: one connection for many channel subscriptions, resume with no loss or
 * duplicates, an outbox for publishes, and a reconnect policy. See {@link ClientOptions}.
 */
export function createClient(options: ClientOptions): HeraldClient {
  const env = createEnvironment(options.environment);
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  const allowed = options.transports ?? ['websocket', 'polling'];
  const lazy = options.lazy ?? true;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const log = options.logger ?? {};
  const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  const urls = resolveUrls(options.url);
  const events = createEmitter<ClientEventMap>();
  const counters = createCounters();
  const tokens = createTokenSource(options.getToken);
  const channels = new Map<string, ChannelEntry>();
  const pending = new Map<string, ChannelEntry | OutboxItem>();
  const outbox = createOutbox(
    { ...DEFAULT_OUTBOX, ...options.outbox },
    options.persistence ?? null,
    env.now,
    (e) => events.emit('outbox', e),
  );

  let transport: Transport | null = null;
  let generation = 0;
  let failures = 0; // consecutive failed attempts; reset only after minUptimeMs connected
  let wsFailures = 0; // WebSocket failures before the first WebSocket connection ever
  let wsEverConnected = false;
  let connections = 0;
  let lastFrameAt = 0;
  let token: string | undefined;
  let rejectedToken: string | undefined | null = null; // set after an auth close: the next token must differ
  let rids = 0;
  let drainDelay: number | undefined; // the hub said when to come back (drain before a restart)
  let cancelProbe: (() => void) | undefined; // a WebSocket tried in the background while polling

  const timers = createTimers(env);
  const store = createStatusStore(events, log);
  const { setState, update } = store;
  const timer = timers.set;
  const clear = timers.clear;

  const send = (message: ClientMessage) => {
    if (!transport) return;
    try {
      counters.bytesOut += transport.send(message);
      counters.messagesOut++;
    } catch (error) {
      log.warn?.('herald: send failed', error); // the close event that follows reconnects
    }
  };

  const sendSubscribe = (entry: ChannelEntry) => {
    const rid = `s${++rids}`;
    pending.set(rid, entry);
    send(subscribeMessage(entry, rid));
  };

  const flush = () => {
    if (store.state !== 'connected') return;
    for (const item of outbox.take()) {
      const rid = `p${++rids}`;
      pending.set(rid, item);
      send({
        type: 'publish',
        rid,
        channel: item.channel,
        event: { type: item.type, data: item.data, id: item.id },
      });
    }
  };

  const checkIdle = () => {
    if (lazy && store.state === 'connected' && !channels.size && !outbox.size()) {
      timer('idle', options.idleTimeoutMs ?? 1000, () => {
        teardown('idle');
        setState('idle', {}, 1000, 'idle');
      });
    } else clear('idle');
  };

  /** Drops the current socket and all per-connection state; its late callbacks are ignored from now on. */
  const teardown = (reason: string) => {
    generation++;
    cancelProbe?.();
    cancelProbe = undefined;
    transport?.close(1000, reason); // 1000: apps may not send 1006 or the hub's codes
    transport = null;
    timers.clearAll();
    pending.clear();
    outbox.reset();
    for (const entry of channels.values()) {
      entry.live = false;
      entry.rid = null;
    }
  };

  const fail = (error: HeraldError, code?: number, reason?: string) => {
    setState('failed', { lastError: error, nextRetryAt: null }, code, reason);
    events.emit('error', error);
  };

  /** Plans the next attempt after a failure: backoff, offline pause or give up. */
  const retry = (error: HeraldError, code: number, reason: string, delay?: number) => {
    if (!mayRetry(failures, backoff)) {
      fail(error, code, reason);
      return;
    }
    failures++;
    if (!env.isOnline()) {
      setState('offline', { lastError: error, attempt: failures, nextRetryAt: null }, code, reason);
      return;
    }
    const ms = delay ?? backoffDelay(failures, backoff, env.random);
    setState(
      'reconnecting',
      { lastError: error, attempt: failures, nextRetryAt: env.now() + ms },
      code,
      reason,
    );
    timer('retry', ms, open);
  };

  /** The socket of `gen` closed or the attempt failed: classify and react. */
  const lost = (gen: number, code: number, reason: string, cause?: unknown) => {
    if (gen !== generation) return;
    const name = transport?.name;
    teardown(reason);
    if (name === 'websocket' && !wsEverConnected) wsFailures++;
    const error = new HeraldError(
      CLOSE_ERRORS[code] ?? ErrorCode.ConnectionLost,
      `connection ${closedText(code, reason)}`,
      { cause },
    );
    const action = closeAction(code);
    log.info?.('herald: connection lost', { code, reason, action });
    if (action === 'fatal') fail(error, code, reason);
    else if (action === 'stop') setState('idle', { lastError: null }, code, reason);
    else if (action === 'refresh-token') {
      // One immediate retry with a fresh token; a second auth close, or no new token, is fatal.
      if (!options.getToken || rejectedToken !== null) fail(error, code, reason);
      else {
        rejectedToken = token;
        retry(error, code, reason, 0);
      }
    } else retry(error, code, reason, drainDelay);
    drainDelay = undefined;
  };

  const pickTransport = (): TransportName | null => {
    const canPoll = allowed.includes('polling');
    if (!WS || !allowed.includes('websocket')) return canPoll ? 'polling' : null;
    return canPoll && !wsEverConnected && wsFailures >= (options.fallbackAfter ?? 3)
      ? 'polling'
      : 'websocket';
  };

  const upgradeMs = options.upgradeIntervalMs ?? 30_000;
  /** While polling, plans the next background try of the WebSocket. */
  const planUpgrade = () => {
    if (upgradeMs > 0 && transport?.name === 'polling' && WS && allowed.includes('websocket'))
      timer('upgrade', upgradeMs, probe);
  };

  /**
   * Tries the WebSocket behind the polling connection of this generation. On `welcome` the socket replaces
   * polling: the usual teardown stops polling, then every channel resubscribes on the socket from its
   * position, so the dedupe and order checks deliver each event once. A failure changes nothing.
   */
  const probe = () => {
    const gen = generation;
    const failed = (reason: string, cause?: unknown) => {
      cancelProbe = undefined;
      log.debug?.('herald: WebSocket upgrade failed', { reason, cause });
      if (gen === generation) planUpgrade();
    };
    tokens.get().then(
      (next) => {
        if (gen !== generation) return;
        cancelProbe = probeWebSocket(
          urls.ws,
          WS as WebSocketConstructorLike,
          next,
          connectTimeoutMs,
          env,
          ({ transport: socket, handlers, welcome, bytes }) => {
            cancelProbe = undefined;
            teardown('upgraded to websocket');
            const now = generation;
            transport = socket;
            handlers.message = (m, n) => now === generation && onMessage(now, m, n);
            handlers.close = (code, reason) => lost(now, code, reason);
            onMessage(now, welcome, bytes);
          },
          failed,
        );
      },
      (error: unknown) => failed('getToken failed', error),
    );
  };

  /** Starts one connection attempt. */
  function open(): void {
    clear('retry');
    if (store.state === 'closed') return;
    if (!env.isOnline()) {
      setState('offline', { nextRetryAt: null });
      return;
    }
    const gen = ++generation;
    setState('connecting', { nextRetryAt: null });
    timer('connect', connectTimeoutMs, () => lost(gen, ABNORMAL, 'connect timeout'));
    tokens.get().then(
      (next) => {
        if (gen !== generation) return;
        if (rejectedToken !== null && (next === undefined || next === rejectedToken)) {
          fail(new HeraldError(ErrorCode.Unauthorized, 'token refused, no new one from getToken'));
          return;
        }
        token = next;
        const name = pickTransport();
        if (!name) {
          fail(new HeraldError(ErrorCode.ConnectionLost, 'no usable transport'));
          return;
        }
        const handlers = {
          open: () => gen === generation && transport && send(helloMessage(token)),
          message: (m: ServerMessage, bytes: number) => gen === generation && onMessage(gen, m, bytes),
          close: (code: number, reason: string) => lost(gen, code, reason),
        };
        update({ transport: name });
        try {
          transport =
            name === 'polling'
              ? openPolling(
                  urls.http,
                  env,
                  options.pollIntervalMs ?? 2000,
                  connectTimeoutMs,
                  handlers,
                  counters,
                )
              : openWebSocket(urls.ws, WS as WebSocketConstructorLike, handlers);
        } catch (error) {
          lost(gen, ABNORMAL, 'could not open the socket', error);
        }
      },
      (error: unknown) => lost(gen, ABNORMAL, 'getToken failed', error),
    );
  }

  const onWelcome = (gen: number, heartbeatMs: number) => {
    clear('connect');
    rejectedToken = null;
    if (transport?.name === 'websocket') wsEverConnected = true;
    const upgraded = store.state === 'connected'; // already up on polling: the socket took over
    if (connections++ && !upgraded) counters.reconnects++;
    timer('uptime', backoff.minUptimeMs, () => {
      failures = 0;
    });
    if (heartbeatMs > 0) {
      // No frame for about two heartbeats means the socket is dead even if TCP has not noticed.
      const check = () => {
        const left = lastFrameAt + 2 * heartbeatMs - env.now();
        if (left > 0) timer('watchdog', left, check);
        else lost(gen, 4001, 'no frame in time');
      };
      timer('watchdog', 2 * heartbeatMs, check);
    }
    setState('connected', {
      attempt: 0,
      nextRetryAt: null,
      lastError: null,
      lastConnectedAt: env.now(),
      transport: transport?.name ?? null,
    });
    if (upgraded) events.emit('connected', { transport: 'websocket' });
    for (const entry of channels.values()) sendSubscribe(entry);
    flush();
    checkIdle();
    planUpgrade();
  };

  const onMessage = (gen: number, m: ServerMessage, bytes: number) => {
    counters.messagesIn++;
    counters.bytesIn += bytes;
    lastFrameAt = env.now();
    const rid = 'rid' in m ? m.rid : undefined;
    const request = rid === undefined ? undefined : pending.get(rid);
    if (rid !== undefined && m.type !== 'refreshed') pending.delete(rid);
    switch (m.type) {
      case 'welcome':
        onWelcome(gen, m.heartbeatMs);
        break;
      case 'subscribed': {
        const entry = request as ChannelEntry | undefined;
        if (!entry || channels.get(entry.channel) !== entry) break; // unsubscribed meanwhile
        const resumed = entry.position !== null || entry.since !== undefined;
        const gap = applySubscribed(entry, m);
        if (gap) {
          counters.gaps++;
          for (const sub of [...entry.subscribers]) safeCall(sub.onGap, gap);
          events.emit('gap', gap);
        } else if (resumed) counters.resumes++;
        for (const sub of [...entry.subscribers]) safeCall(sub.onSubscribed, entry.info!);
        break;
      }
      case 'events':
        for (const event of m.events) {
          const entry = channels.get(event.channel);
          const verdict = acceptEvent(entry, event);
          if (verdict === 'duplicate') counters.duplicatesDropped++;
          else if (verdict === 'hole' && entry) {
            // A hole must never be skipped: ask the hub again from the last delivered position.
            send({ type: 'unsubscribe', rid: `u${++rids}`, channel: entry.channel });
            sendSubscribe(entry);
          } else if (verdict === 'deliver' && entry) {
            counters.eventsDelivered++;
            for (const sub of [...entry.subscribers]) safeCall(sub.onEvent, event as never);
          }
        }
        break;
      case 'ack':
        if (request && 'tries' in request) {
          outbox.settle(request, {
            channel: m.channel,
            id: m.id,
            seq: m.seq,
            duplicate: m.duplicate === true,
          });
          checkIdle();
        }
        break;
      case 'error': {
        const error = new HeraldError(m.code, m.message, { retryable: m.retryable });
        if (request && 'tries' in request) {
          if (!error.retryable) outbox.settle(request, error);
          else {
            request.sent = false; // e.g. rate limited: resend after a pause
            timer('flush', backoff.initialMs, flush);
          }
          break;
        }
        if (request) for (const sub of [...request.subscribers]) safeCall(sub.onError, error);
        events.emit('error', error);
        break;
      }
      case 'refresh_required':
        tokens.get().then(
          (next) => {
            if (gen === generation && next) {
              token = next;
              send({ type: 'refresh', rid: `r${++rids}`, token: next });
            }
          },
          (error: unknown) => log.warn?.('herald: getToken failed on refresh', error),
        );
        break;
      case 'drain':
        // Spread the herd over the hub's suggested window instead of all reconnecting at once.
        drainDelay = Math.floor(env.random() * m.retryAfterMs);
        break;
      case 'ping':
        send(m.ts === undefined ? { type: 'pong' } : { type: 'pong', ts: m.ts });
        break;
    }
  };

  /** Why `channel` cannot be subscribed or published to now, if it cannot. */
  const refusal = (channel: string): HeraldError | undefined =>
    store.state === 'closed'
      ? new HeraldError(ErrorCode.ClientClosed, 'client is closed')
      : isValidChannel(channel)
        ? undefined
        : new HeraldError(ErrorCode.BadChannel, `bad channel name "${channel}"`);

  const ensureConnected = () => {
    clear('idle');
    if (store.state === 'idle') open();
  };

  const offOnline = env.onOnlineChange((online) => {
    if (
      !online &&
      (store.state === 'connecting' || store.state === 'connected' || store.state === 'reconnecting')
    ) {
      teardown('offline');
      setState('offline', { nextRetryAt: null }, ABNORMAL, 'offline');
    } else if (online && store.state === 'offline') open();
  });
  const offVisible = env.onVisible(() => {
    if (store.state === 'reconnecting') open();
    else if (store.state === 'connected') send({ type: 'ping', ts: env.now() });
  });

  const client: HeraldClient = {
    get state() {
      return store.state;
    },
    getStatus: () => store.status,
    connect() {
      if (store.state === 'idle' || store.state === 'failed') client.reconnect();
    },
    reconnect() {
      if (store.state === 'connected' || store.state === 'connecting' || store.state === 'closed') return;
      if (store.state === 'failed') failures = 0;
      open();
    },
    subscribe<T>(channel: string, handlers: SubscribeOptions<T>) {
      const refused = refusal(channel);
      if (refused) throw refused;
      let entry = channels.get(channel);
      const sub = { ...handlers } as SubscribeOptions<never>;
      if (!entry) {
        entry = createEntry(channel, handlers.since);
        channels.set(channel, entry);
        if (store.state === 'connected') sendSubscribe(entry);
      } else if (entry.live && entry.info) safeCall(sub.onSubscribed, entry.info);
      entry.subscribers.add(sub);
      ensureConnected();
      const own = entry;
      return {
        channel,
        position: () => own.position,
        unsubscribe() {
          if (!own.subscribers.delete(sub) || own.subscribers.size || channels.get(channel) !== own) return;
          channels.delete(channel);
          if (own.live || own.rid) send({ type: 'unsubscribe', rid: `u${++rids}`, channel });
          checkIdle();
        },
      };
    },
    publish(channel, type, data, publishOptions) {
      const refused = refusal(channel);
      if (refused) return Promise.reject(refused);
      const promise = outbox.push(channel, type, data as JsonValue, publishOptions?.id ?? newId());
      ensureConnected();
      flush();
      return promise;
    },
    on: events.on,
    stats() {
      let behind = 0;
      // `info` and `position` are set together by the first `subscribed`.
      for (const { info, position } of channels.values())
        if (info) behind += Math.max(0, info.lastSeq - position!.seq);
      return {
        ...counters,
        outboxDepth: outbox.size(),
        subscriptions: channels.size,
        eventsBehind: behind,
      };
    },
    close() {
      if (store.state === 'closed') return;
      teardown('client closed');
      setState('closed', { nextRetryAt: null }, 1000, 'client closed');
      offOnline();
      offVisible();
      outbox.close();
      channels.clear();
      events.clear();
    },
  };
  if (!lazy || outbox.size()) open(); // a restored outbox has messages to deliver
  return client;
}
