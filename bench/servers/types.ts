import type { WorkflowEvent } from '../lib/payload.js';

/**
 * The systems compared. `socketio-csr` is socket.io with its connectionStateRecovery option on; `ws-cork` is
 * raw ws with each socket corked for a whole event-loop turn (one syscall per socket per turn).
 */
export type SystemName = 'herald' | 'socketio' | 'socketio-csr' | 'ws' | 'ws-cork';

/**
 * Which store a bench hub uses. SQLite lives in a temp dir of the server process; the engine-backed ones
 * point at an engine the orchestrator set up for this run (lib/engines/), with a database, key prefix or
 * stream prefix of its own. Plain data, as it crosses IPC.
 */
export type HeraldStore =
  | 'memory'
  | 'sqlite'
  | { readonly kind: 'redis'; readonly url: string; readonly keyPrefix: string }
  | { readonly kind: 'postgres'; readonly url: string }
  | {
      readonly kind: 'nats';
      readonly servers: string;
      readonly streamPrefix: string;
      readonly subjectPrefix: string;
    };

/** The store's name as result rows show it. */
export function storeName(store: HeraldStore): string {
  return typeof store === 'string' ? store : store.kind;
}

/** How a bench server is started. */
export interface ServerConfig {
  readonly system: SystemName;
  /** Herald's store: memory for throughput, sqlite for the restart scenario. @default 'memory' */
  readonly store?: HeraldStore;
  /** Port to listen on; 0 lets the OS choose. @default 0 */
  readonly port?: number;
  /** Herald only: the hub's permessage-deflate (`HubOptions.compression`). @default false */
  readonly compression?: boolean;
}

/** One system's server side, as the scenarios drive it, all in the server process. */
export interface BenchServer {
  readonly port: number;
  /** Sends one event to every subscriber of `channel`. Herald returns the publish promise. */
  publish(channel: string, event: WorkflowEvent): undefined | Promise<unknown>;
  /** Open client connections. */
  connectionCount(): number;
  /** Stops and starts again on the same port (and data, for Herald); resolves once it accepts again. */
  restart(): Promise<void>;
  close(): Promise<void>;
}
