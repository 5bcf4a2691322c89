import type { WorkflowEvent } from '../lib/payload.js';

/**
 * The systems compared. `socketio-csr` is socket.io with its connectionStateRecovery option on; `ws-cork` is
 * raw ws with each socket corked for a whole event-loop turn (one syscall per socket per turn).
 */
export type SystemName = 'herald' | 'socketio' | 'socketio-csr' | 'ws' | 'ws-cork';

/** How a bench server is started. */
export interface ServerConfig {
  readonly system: SystemName;
  /** Herald's store: memory for throughput, sqlite for the restart scenario. @default 'memory' */
  readonly store?: 'memory' | 'sqlite';
  /** Port to listen on; 0 lets the OS choose. @default 0 */
  readonly port?: number;
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
