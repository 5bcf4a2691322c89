import {
  type ClientMessage,
  CloseCode,
  closeAction,
  closeError,
  ErrorCode,
  HeraldError,
  type ServerMessage,
} from '@herald/protocol';
import type { Auth } from './auth.js';
import type { ClientContext, Connection, ConnectionHooks } from './context.js';
import { closedText, helloMessage } from './handshake.js';
import { watchPresence } from './presence.js';
import { createReconnectPolicy } from './reconnect.js';
import { loadChunk, loadedChunk, openTransport, pickTransport } from './transports/choice.js';
import { openWebSocket } from './transports/websocket.js';
import type { Transport, TransportHandlers, WebSocketConstructorLike } from './types.js';
import type { ProbeResult, Upgrader } from './upgrade.js';
import { resolveUrls } from './urls.js';
import { watchHeartbeat } from './watchdog.js';

/**
 * Creates the connection. Each transport gets a generation; callbacks of older ones are ignored, so a
 * discarded socket can neither deliver nor reconnect.
 */
export function createConnection(ctx: ClientContext, auth: Auth, hooks: ConnectionHooks): Connection {
  const { options, env, log, counters, store, timers } = ctx;
  const setState = store.setState;
  const nodes = [options.url].flat();
  if (!nodes.length) throw new TypeError('herald: `url` needs at least one hub URL');
  let node = 0; // the hub node in use, in `nodes`
  let urls = resolveUrls(nodes[0]!);
  const { message, up, down, unused } = hooks;
  const { fail, retry, connected, reset } = createReconnectPolicy(ctx, () => open());
  const allowed = options.transports ?? ['websocket', 'polling'];
  const WS = allowed.includes('websocket')
    ? (options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket)
    : undefined;
  let wsFailures = 0; // WebSocket failures before the first WebSocket connection ever
  let wsEverConnected = false;
  let transport: Transport | null = null;
  let generation = 0;
  let connections = 0;
  let lastFrameAt = 0;
  let drainDelay: number | undefined; // the hub said when to come back (drain before a restart)
  let upgrader: Upgrader | undefined; // made by the first HTTP (SSE, polling) connection

  const send = (message: ClientMessage) => {
    if (!transport) return;
    try {
      counters.bytesOut += transport.send(message);
      counters.messagesOut++;
    } catch (error) {
      log.warn?.('herald: send failed', error); // the close event that follows reconnects
    }
  };

  /** Drops the current transport and all per-connection state; its late callbacks are ignored from now on. */
  const teardown = (reason: string) => {
    generation++;
    upgrader?.cancel();
    transport?.close(CloseCode.Normal, reason); // apps may not send 1006 or the hub's codes
    transport = null;
    timers.clearAll();
    down();
  };

  /** The transport of `gen` closed or the attempt failed: classify and react. */
  const lost = (gen: number, code: number, reason: string, cause?: unknown) => {
    if (gen !== generation) return;
    if (transport?.name === 'websocket' && !wsEverConnected) {
      wsFailures++;
      // Fetch the fallback while backing off, so it is ready if the WebSocket keeps failing.
      const fallback = pickTransport(allowed, WS, true);
      if (fallback !== 'websocket' && fallback) loadChunk(fallback).catch(() => undefined);
    }
    // Each lost connection or failed attempt tries the next hub node, after the same backoff as ever.
    urls = resolveUrls(nodes[++node % nodes.length]!);
    teardown(reason);
    const error = new HeraldError(closeError(code), `connection ${closedText(code, reason)}`, { cause });
    const action = closeAction(code);
    log.info?.('herald: connection lost', { code, reason, action });
    if (action === 'fatal') fail(error, code, reason);
    else if (action === 'stop') setState('idle', { lastError: null }, code, reason);
    // One immediate retry with a fresh token; a second auth close, or no new token, is fatal.
    else if (action === 'refresh-token')
      auth.refused() ? retry(error, code, reason, 0) : fail(error, code, reason);
    else retry(error, code, reason, drainDelay);
    drainDelay = undefined;
  };

  const handlers = (gen: number): TransportHandlers => ({
    open: () => gen === generation && transport && send(helloMessage(auth.token)),
    message: (m, bytes) => gen === generation && received(gen, m, bytes),
    close: (code, reason) => lost(gen, code, reason),
  });

  /** The upgrade probe's socket said `welcome`: SSE or polling stops, every channel resubscribes on the socket. */
  const adopt = (probe: ProbeResult) => {
    teardown('upgraded to websocket');
    transport = probe.transport;
    Object.assign(probe.handlers, handlers(generation));
    received(generation, probe.welcome, probe.bytes);
  };

  function open(): void {
    timers.clear('retry');
    if (store.state === 'closed') return;
    if (!env.isOnline()) {
      setState('offline', { nextRetryAt: null });
      return;
    }
    const gen = ++generation;
    setState('connecting', { nextRetryAt: null });
    timers.set('connect', ctx.connectTimeoutMs, () => lost(gen, CloseCode.Abnormal, 'connect timeout'));
    auth.get().then(
      (next) => {
        if (gen !== generation) return;
        if (!auth.use(next)) {
          fail(new HeraldError(ErrorCode.Unauthorized, 'token refused, no new one from getToken'));
          return;
        }
        const custom = options.openTransport;
        const name = custom
          ? 'custom'
          : pickTransport(allowed, WS, !wsEverConnected && wsFailures >= (options.fallbackAfter ?? 3));
        if (!name) {
          fail(new HeraldError(ErrorCode.ConnectionLost, 'no usable transport'));
          return;
        }
        store.update({ transport: name });
        const broken = (error: unknown) =>
          lost(gen, CloseCode.Abnormal, 'could not open the transport', error);
        const current = () => gen === generation;
        try {
          const opened = custom
            ? custom(handlers(gen))
            : openTransport(name, ctx, urls, WS, handlers(gen), current);
          if ('then' in opened)
            opened.then((t) => {
              // An attempt dropped while its transport was opening must not leave it open.
              if (t && current()) transport = t;
              else t?.close();
            }, broken);
          else transport = opened;
        } catch (error) {
          broken(error);
        }
      },
      (error: unknown) => lost(gen, CloseCode.Abnormal, 'getToken failed', error),
    );
  }

  const welcomed = (gen: number, heartbeatMs: number) => {
    timers.clear('connect');
    auth.accepted();
    if (transport?.name === 'websocket') wsEverConnected = true;
    const upgraded = store.state === 'connected'; // already up over HTTP: the socket took over
    if (connections++ && !upgraded) counters.reconnects++;
    connected();
    if (heartbeatMs > 0)
      watchHeartbeat(
        timers,
        env.now,
        heartbeatMs,
        () => lastFrameAt,
        () => lost(gen, CloseCode.PingTimeout, 'no frame in time'),
      );
    setState('connected', {
      attempt: 0,
      nextRetryAt: null,
      lastError: null,
      lastConnectedAt: env.now(),
      transport: transport?.name ?? null,
    });
    if (upgraded) ctx.events.emit('connected', { transport: 'websocket' });
    up();
    // The upgrader is in the SSE and polling chunks, loaded by now since one opened this connection.
    const http = transport && loadedChunk(transport.name);
    if (http) {
      upgrader ??= http.createUpgrader(
        ctx,
        auth,
        WS && ((h) => openWebSocket(urls.ws, WS, h)),
        () => generation,
        adopt,
      );
      upgrader.plan();
    }
  };

  const received = (gen: number, m: ServerMessage, bytes: number) => {
    counters.messagesIn++;
    counters.bytesIn += bytes;
    lastFrameAt = env.now();
    if (m.type === 'welcome') welcomed(gen, m.heartbeatMs);
    else if (m.type === 'refresh_required')
      auth.refresh(
        () => gen === generation,
        (token) => send({ type: 'refresh', rid: ctx.requests.rid('r'), token }),
      );
    // Spread the herd over the hub's suggested window instead of all reconnecting at once.
    else if (m.type === 'drain') drainDelay = Math.floor(env.random() * m.retryAfterMs);
    else if (m.type === 'ping') send(m.ts === undefined ? { type: 'pong' } : { type: 'pong', ts: m.ts });
    else message(m);
  };

  const stopWatching = watchPresence(ctx, teardown, open, send);

  return {
    send,
    http: () => urls.http,
    wake() {
      timers.clear('idle');
      if (store.state === 'idle') open();
    },
    checkIdle() {
      if ((options.lazy ?? true) && store.state === 'connected' && unused()) {
        timers.set('idle', options.idleTimeoutMs ?? 1000, () => {
          teardown('idle');
          setState('idle', {}, CloseCode.Normal, 'idle');
        });
      } else timers.clear('idle');
    },
    reconnect() {
      const state = store.state;
      if (state === 'connected' || state === 'connecting' || state === 'closed') return;
      if (state === 'failed') reset();
      open();
    },
    close() {
      teardown('client closed');
      setState('closed', { nextRetryAt: null }, CloseCode.Normal, 'client closed');
      stopWatching();
    },
  };
}
