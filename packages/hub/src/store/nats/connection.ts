import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';

/** One NATS connection with its JetStream handles. */
export interface NatsSession {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
}

/** A NATS connection opened on first use; a failed first connect is retried by the next use. */
export interface LazySession {
  get(): Promise<NatsSession>;
  close(): Promise<void>;
}

/**
 * Connects to `servers` when first asked. The client reconnects on its own for ever (every 250 ms), so a
 * NATS restart only delays requests (they fail after their timeout if it lasts longer).
 */
export function lazySession(servers: string | string[], name: string): LazySession {
  let session: Promise<NatsSession> | undefined;
  return {
    get() {
      session ??= (async () => {
        const nc = await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
        return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
      })().catch((error: unknown) => {
        session = undefined;
        throw error;
      });
      return session;
    },
    async close() {
      const s = session;
      session = undefined;
      if (s === undefined) return;
      const { nc } = await s.catch(() => ({ nc: null }));
      await nc?.drain().catch(() => nc.close());
    },
  };
}
