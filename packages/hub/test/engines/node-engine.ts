import { createNatsBroker, createNatsStore } from '../../src/store/nats/index.js';
import { createPostgresBroker, createPostgresStore } from '../../src/store/postgres/index.js';
import type { Broker, EventStore } from '../../src/store/types.js';

/** Which shared engine a hub node uses (JSON, so it can be handed to a child process). */
export type NodeEngine =
  | { readonly kind: 'postgres'; readonly url: string }
  | {
      readonly kind: 'nats';
      readonly servers: string;
      readonly streamPrefix: string;
      readonly subjectPrefix: string;
    };

/** A node's store and broker on `engine`; `ready()` resolves once the broker hears other nodes. */
export function engineParts(engine: NodeEngine): {
  store: EventStore;
  broker: Broker;
  ready: () => Promise<void>;
} {
  if (engine.kind === 'postgres') {
    const store = createPostgresStore({ url: engine.url });
    const broker = createPostgresBroker({ url: engine.url, store, heartbeatMs: 500 });
    return { store, broker, ready: async () => void (await Promise.all([store.ready(), broker.ready()])) };
  }
  const store = createNatsStore(engine);
  const broker = createNatsBroker({ servers: engine.servers, store });
  return { store, broker, ready: () => broker.ready() };
}
