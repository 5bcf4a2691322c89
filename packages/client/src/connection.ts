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
import type { ClientContext } from './context.js';
import { closedText, helloMessage } from './handshake.js';
import { createReconnectPolicy } from './reconnect.js';
import { createTransportChoice } from './transports/choice.js';
import { openPolling } from './transports/polling.js';
import { openWebSocket } from './transports/websocket.js';
import type { Transport, TransportHandlers } from './types.js';
import { createUpgrader, type ProbeResult } from './upgrade.js';
import { resolveUrls } from './urls.js';
import { watchHeartbeat } from './watchdog.js';

/** What the connection tells the other parts of the client. */
export interface ConnectionHooks {
  /** A message for them: everything but `welcome`, `refresh_required`, `drain` and `ping`. */
  message(message: ServerMessage): void;
  /** The hub accepted a connection (or the WebSocket took over from polling): subscribe, flush. */
  up(): void;
  /** The connection is gone, and every request on it: reset what belonged to it. */
  down(): void;
}

/** One transport at a time: its lifecycle, the stale-socket guard, reconnects, heartbeat, upgrade. */
export interface Connection {
  /** Sends on the current transport (nothing without one); a failed send is logged, its close reconnects. */
  send(message: ClientMessage): void;
  /** Cancels an idle close; connects an idle client. */
  wake(): void;
  /** A lazy client closes a connection that is `unused` after `idleTimeoutMs`. */
  idle(unused: boolean): void;
  /** Starts a connection attempt. */
  open(): void;
  /** Retries now, skipping any backoff wait (also leaves `failed`). */
  reconnect(): void;
  /** Closes for good: transport, timers, online and visibility listeners. */
  close(): void;
}

/**
 * Creates the connection. Each transport gets a generation; callbacks of older ones are ignored, so a
 * discarded socket can neither deliver nor reconnect.
 */
export function createConnection(ctx: ClientContext, auth: Auth, hooks: ConnectionHooks): Connection {
  const { options, env, log, counters, store, timers } = ctx;
  const setState = store.setState;
  const urls = resolveUrls(options.url);
  const choice = createTransportChoice(options);
  const policy = createReconnectPolicy(ctx, () => open());
  let transport: Transport | null = null;
  let generation = 0;
  let connections = 0;
  let lastFrameAt = 0;
  let drainDelay: number | undefined; // the hub said when to come back (drain before a restart)

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
    upgrader.cancel();
    transport?.close(CloseCode.Normal, reason); // apps may not send 1006 or the hub's codes
    transport = null;
    timers.clearAll();
    hooks.down();
  };

  /** The transport of `gen` closed or the attempt failed: classify and react. */
  const lost = (gen: number, code: number, reason: string, cause?: unknown) => {
    if (gen !== generation) return;
    choice.lost(transport?.name);
    teardown(reason);
    const error = new HeraldError(closeError(code), `connection ${closedText(code, reason)}`, { cause });
    const action = closeAction(code);
    log.info?.('herald: connection lost', { code, reason, action });
    if (action === 'fatal') policy.fail(error, code, reason);
    else if (action === 'stop') setState('idle', { lastError: null }, code, reason);
    // One immediate retry with a fresh token; a second auth close, or no new token, is fatal.
    else if (action === 'refresh-token')
      auth.refused() ? policy.retry(error, code, reason, 0) : policy.fail(error, code, reason);
    else policy.retry(error, code, reason, drainDelay);
    drainDelay = undefined;
  };

  const handlers = (gen: number): TransportHandlers => ({
    open: () => gen === generation && transport && send(helloMessage(auth.token)),
    message: (m, bytes) => gen === generation && received(gen, m, bytes),
    close: (code, reason) => lost(gen, code, reason),
  });

  /** The upgrade probe's socket said `welcome`: polling stops, every channel resubscribes on the socket. */
  const adopt = (probe: ProbeResult) => {
    teardown('upgraded to websocket');
    transport = probe.transport;
    Object.assign(probe.handlers, handlers(generation));
    received(generation, probe.welcome, probe.bytes);
  };
  const upgrader = createUpgrader(ctx, auth, choice.webSocket, urls.ws, () => generation, adopt);

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
          policy.fail(new HeraldError(ErrorCode.Unauthorized, 'token refused, no new one from getToken'));
          return;
        }
        const name = choice.pick();
        if (!name) {
          policy.fail(new HeraldError(ErrorCode.ConnectionLost, 'no usable transport'));
          return;
        }
        store.update({ transport: name });
        try {
          transport =
            name === 'polling'
              ? openPolling(
                  urls.http,
                  env,
                  options.pollIntervalMs ?? 2000,
                  ctx.connectTimeoutMs,
                  handlers(gen),
                  counters,
                )
              : openWebSocket(urls.ws, choice.webSocket!, handlers(gen));
        } catch (error) {
          lost(gen, CloseCode.Abnormal, 'could not open the socket', error);
        }
      },
      (error: unknown) => lost(gen, CloseCode.Abnormal, 'getToken failed', error),
    );
  }

  const welcomed = (gen: number, heartbeatMs: number) => {
    timers.clear('connect');
    auth.accepted();
    choice.connected(transport?.name);
    const upgraded = store.state === 'connected'; // already up on polling: the socket took over
    if (connections++ && !upgraded) counters.reconnects++;
    policy.connected();
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
    hooks.up();
    upgrader.plan(transport?.name);
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
    else hooks.message(m);
  };

  const offOnline = env.onOnlineChange((online) => {
    const state = store.state;
    if (!online && (state === 'connecting' || state === 'connected' || state === 'reconnecting')) {
      teardown('offline');
      setState('offline', { nextRetryAt: null }, CloseCode.Abnormal, 'offline');
    } else if (online && state === 'offline') open();
  });
  const offVisible = env.onVisible(() => {
    if (store.state === 'reconnecting') open();
    else if (store.state === 'connected') send({ type: 'ping', ts: env.now() });
  });

  return {
    send,
    wake() {
      timers.clear('idle');
      if (store.state === 'idle') open();
    },
    idle(unused) {
      if ((options.lazy ?? true) && unused && store.state === 'connected') {
        timers.set('idle', options.idleTimeoutMs ?? 1000, () => {
          teardown('idle');
          setState('idle', {}, CloseCode.Normal, 'idle');
        });
      } else timers.clear('idle');
    },
    open,
    reconnect() {
      const state = store.state;
      if (state === 'connected' || state === 'connecting' || state === 'closed') return;
      if (state === 'failed') policy.reset();
      open();
    },
    close() {
      teardown('client closed');
      setState('closed', { nextRetryAt: null }, CloseCode.Normal, 'client closed');
      offOnline();
      offVisible();
    },
  };
}
