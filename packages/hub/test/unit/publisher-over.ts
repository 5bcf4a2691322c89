import { ChannelRegistry } from '../../src/channels.js';
import { resolveConfig } from '../../src/config.js';
import { HubMetrics } from '../../src/metrics.js';
import { Publisher } from '../../src/publish.js';
import type { Broker, EventStore } from '../../src/store/types.js';

/** A {@link Publisher} with default config over the test's store and broker, as the hub builds one. */
export function publisherOver(store: EventStore, broker: Broker): Publisher {
  return new Publisher({
    config: resolveConfig({}),
    store,
    broker,
    registry: new ChannelRegistry(store, () => {}),
    metrics: new HubMetrics(),
    isDraining: () => false,
  });
}
