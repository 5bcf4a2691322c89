import type { Logger } from 'pino';
import type { Authenticator } from './auth/authenticator.js';
import type { ChannelRegistry } from './channels.js';
import type { ResolvedConfig } from './config.js';
import type { FlushScheduler } from './flush-scheduler.js';
import type { HubMetrics } from './metrics.js';
import type { Publisher } from './publish.js';
import type { EventStore } from './store/types.js';

/** What connections and routes share: one per hub. */
export interface HubContext {
  readonly config: ResolvedConfig;
  readonly store: EventStore;
  readonly registry: ChannelRegistry;
  readonly scheduler: FlushScheduler;
  readonly auth: Authenticator;
  readonly metrics: HubMetrics;
  readonly logger: Logger;
  /** The one publish path (admit, validate, rate-limit, store, broker). */
  readonly publisher: Publisher;
  /** True once the hub started draining. */
  isDraining(): boolean;
}
