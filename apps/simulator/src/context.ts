import type { HttpPublisher } from './http-publisher.js';
import type { SimulatorLogger } from './logger.js';
import type { Pacer } from './pacer.js';
import type { Dice } from './random.js';

/** Everything a scenario needs: where to publish, how to wait, and where its randomness comes from. */
export interface ScenarioContext {
  readonly publisher: HttpPublisher;
  readonly pacer: Pacer;
  readonly dice: Dice;
  readonly logger: SimulatorLogger;
}
