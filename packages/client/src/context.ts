import type { ClientMessage, ServerMessage } from '@herald/protocol';
import { DEFAULT_BACKOFF } from './backoff.js';
import { createEmitter, type Emitter } from './emitter.js';
import { createEnvironment } from './environment.js';
import { createRequests, type Requests } from './requests.js';
import { type Counters, createCounters } from './stats.js';
import { createStatusStore, type StatusStore } from './status.js';
import { createTimers, type Timers } from './timers.js';
import type { BackoffOptions, ClientEventMap, ClientOptions, Environment, Logger } from './types.js';

/** What every part of one client shares: options, environment, events, counters, status, timers, requests. */
export interface ClientContext {
  readonly options: ClientOptions;
  readonly env: Environment;
  readonly log: Logger;
  readonly events: Emitter<ClientEventMap>;
  readonly counters: Counters;
  readonly store: StatusStore;
  /** Named timers; a teardown clears them all, whichever part set them. */
  readonly timers: Timers;
  /** Requests of the current connection waiting for the hub's reply. */
  readonly requests: Requests;
  readonly backoff: BackoffOptions;
  /** Time allowed to open a socket and get `welcome` (and for one polling round). */
  readonly connectTimeoutMs: number;
}

/** How subscriptions and publishes reach the connection. */
export interface Link {
  /** Sends on the current transport; without one the message is dropped (the next `welcome` resends). */
  send(message: ClientMessage): void;
  /** Something needs the connection: cancels an idle close and connects an idle client. */
  wake(): void;
  /** Something may have stopped needing it: a lazy client closes a connection nothing uses. */
  checkIdle(): void;
}

/** What the connection tells the other parts of the client. */
export interface ConnectionHooks {
  /** A message for them: everything but `welcome`, `refresh_required`, `drain` and `ping`. */
  message(message: ServerMessage): void;
  /** The hub accepted a connection (or the WebSocket took over from polling): subscribe, flush. */
  up(): void;
  /** The connection is gone, and every request on it: reset what belonged to it. */
  down(): void;
  /** Whether nothing needs the connection (no channel, no queued publish): a lazy client then closes it. */
  unused(): boolean;
}

/**
 * One transport at a time: its lifecycle, the stale-socket guard, reconnects, heartbeat, upgrade. As a
 * {@link Link}, a failed send is logged (its close reconnects) and `checkIdle` closes an unused lazy
 * connection after `idleTimeoutMs`.
 */
export interface Connection extends Link {
  /** The HTTP base URL of the hub node in use. */
  http(): string;
  /** Retries now, skipping any backoff wait (also leaves `failed`). */
  reconnect(): void;
  /** Closes for good: transport, timers, online and visibility listeners. */
  close(): void;
}

/** Builds the shared parts of a client from its options. */
export function createContext(options: ClientOptions): ClientContext {
  const env = createEnvironment(options.environment);
  const log = options.logger ?? {};
  const events = createEmitter<ClientEventMap>();
  return {
    options,
    env,
    log,
    events,
    counters: createCounters(),
    store: createStatusStore(events, log),
    timers: createTimers(env),
    requests: createRequests(),
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
  };
}
