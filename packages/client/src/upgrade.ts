import { CloseCode, type WelcomeMessage } from '@herald/protocol';
import type { TokenSource } from './auth.js';
import type { ClientContext } from './context.js';
import { closedText, helloMessage } from './handshake.js';
import type { Environment, Transport, TransportHandlers } from './types.js';

/** What a probe hands over once the hub said `welcome`: the open socket and the handlers it calls. */
export interface ProbeResult {
  readonly transport: Transport;
  /** Replace `message` and `close` to take the socket over; the probe no longer listens. */
  readonly handlers: TransportHandlers;
  readonly welcome: WelcomeMessage;
  readonly bytes: number;
}

/** Opens the WebSocket reporting to `handlers` (the connection knows its URL and constructor). */
export type OpenSocket = (handlers: TransportHandlers) => Transport;

/**
 * Opens a WebSocket with `open` in the background (the client stays on SSE or polling meanwhile) and
 * completes the `herald.v1` handshake. Calls `ready` once on `welcome`, or `failed` once if the socket
 * closes, cannot be opened or takes over `timeoutMs`; a failed probe leaves nothing open. Returns a cancel that closes a probe still
 * under way without calling either callback.
 */
export function probeWebSocket(
  open: OpenSocket,
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
    transport?.close(CloseCode.Normal, 'upgrade probe ended');
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
    transport = open(handlers);
  } catch (error) {
    fail('could not open the socket', error);
  }
  return cancel;
}

/** Background tries of the WebSocket while the client is on an HTTP transport (SSE, polling). */
export interface Upgrader {
  /** Plans the next try, in `upgradeIntervalMs`: the connection is up on SSE or polling. */
  plan(): void;
  /** Closes a try under way (its HTTP connection is gone). */
  cancel(): void;
}

/**
 * Tries the WebSocket (`open`; none: never) behind the SSE or polling connection of generation
 * `generation()`. On `welcome` it hands the socket to `adopt`, which replaces that transport with it; a
 * failure changes nothing and plans the next try. A try whose generation ended meanwhile is dropped. It
 * runs only behind an HTTP transport, so it ships in their lazily loaded chunks (`transports/sse.ts` and
 * `transports/polling.ts` export it), never in the core.
 */
export function createUpgrader(
  ctx: ClientContext,
  tokens: TokenSource,
  open: OpenSocket | undefined,
  generation: () => number,
  adopt: (result: ProbeResult) => void,
): Upgrader {
  const { env, log, timers } = ctx;
  const interval = ctx.options.upgradeIntervalMs ?? 30_000;
  let cancel: (() => void) | undefined;
  const later = () => timers.set('upgrade', interval, probe);
  const probe = () => {
    const gen = generation();
    const failed = (reason: string, cause?: unknown) => {
      cancel = undefined;
      log.debug?.('herald: WebSocket upgrade failed', { reason, cause });
      if (gen === generation()) later();
    };
    tokens.get().then(
      (next) => {
        if (gen !== generation()) return;
        cancel = probeWebSocket(
          open!, // probes are planned only with a WebSocket
          next,
          ctx.connectTimeoutMs,
          env,
          (result) => {
            cancel = undefined;
            adopt(result);
          },
          failed,
        );
      },
      (error: unknown) => failed('getToken failed', error),
    );
  };
  return {
    plan() {
      if (interval > 0 && open) later();
    },
    cancel() {
      cancel?.();
      cancel = undefined;
    },
  };
}
