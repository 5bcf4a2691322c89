import type { ScenarioContext } from './context.js';
import { createHttpPublisher } from './http-publisher.js';
import { type SimulatorLogger, silentLogger } from './logger.js';
import { createPacer } from './pacer.js';
import { createDice, seededRandom } from './random.js';

/** Connection and pacing options shared by {@link startSimulator} and the one-shot helpers. */
export interface ScenarioContextOptions {
  /** Hub base URL, such as `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** Publisher API key. Not needed on an open dev hub. */
  readonly publisherKey?: string | undefined;
  /** Speed factor: 50 replays a 20 s run in under half a second. @default 1 */
  readonly speed?: number | undefined;
  /** Seed for reproducible payloads. @default unseeded (Math.random) */
  readonly seed?: number | undefined;
  /** Where retry warnings and scenario failures go; `false` for silence. @default silent */
  readonly logger?: SimulatorLogger | false | undefined;
  /** Aborting stops waits, retries and in-flight requests. @default never aborted */
  readonly signal?: AbortSignal | undefined;
}

/** Builds the {@link ScenarioContext} scenarios run in. */
export function createScenarioContext(options: ScenarioContextOptions): ScenarioContext {
  const signal = options.signal ?? new AbortController().signal;
  const logger = options.logger || silentLogger;
  return {
    logger,
    pacer: createPacer(options.speed ?? 1, signal),
    dice: createDice(options.seed === undefined ? Math.random : seededRandom(options.seed)),
    publisher: createHttpPublisher({
      baseUrl: options.baseUrl,
      publisherKey: options.publisherKey,
      signal,
      logger,
    }),
  };
}
