import { ErrorCode, HeraldError } from '@herald/protocol';
import type { ScenarioContext } from './context.js';
import type { ScenarioName } from './once.js';
import { createScenarioContext, type ScenarioContextOptions } from './scenario-context.js';
import { activityChannel } from './scenarios/activity.js';
import { createActivityFeed } from './scenarios/activity-feed.js';
import { publishGenerationJob } from './scenarios/generation.js';
import { SONG_TITLES } from './scenarios/song-catalog.js';
import { publishWorkflowRun } from './scenarios/workflow.js';

/** Options for {@link startSimulator}. */
export interface SimulatorOptions extends Omit<ScenarioContextOptions, 'signal'> {
  /** Which scenarios to run. @default ['workflow', 'generation', 'activity'] */
  readonly scenarios?: readonly ScenarioName[] | undefined;
}

/** A running simulator. */
export interface Simulator {
  /** Stops publishing and resolves once every in-flight scenario has settled. Idempotent. */
  stop(): Promise<void>;
}

/** Demo-time cadences (divided by the speed factor). */
const WORKFLOW_EVERY_MS: readonly [number, number] = [17_000, 23_000];
const GENERATION_EVERY_MS: readonly [number, number] = [7_000, 11_000];
const ACTIVITY_EVERY_MS: readonly [number, number] = [2_000, 5_000];

/**
 * Starts publishing realistic scenario traffic to a hub through its HTTP API: a MeatyMusic workflow run
 * about every 20 s, overlapping video generation jobs, and a PurposePath activity feed. Never throws:
 * failures are logged and the next scenario instance carries on.
 */
export function startSimulator(options: SimulatorOptions): Simulator {
  const abort = new AbortController();
  const ctx = createScenarioContext({ ...options, signal: abort.signal });
  const inFlight = new Set<Promise<void>>();
  const track = (label: string, task: () => Promise<unknown>): void => {
    const p = guard(ctx, label, task).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const scenarios = new Set(options.scenarios ?? ['workflow', 'generation', 'activity']);

  if (scenarios.has('workflow')) {
    // Walk a shuffled title list so consecutive runs do not repeat a song.
    const titles = [...SONG_TITLES].sort(() => ctx.dice.between(-1, 1));
    let runs = 0;
    track('workflow loop', () =>
      every(ctx, WORKFLOW_EVERY_MS, () => {
        const songTitle = titles[runs++ % titles.length];
        track('workflow run', () => publishWorkflowRun(ctx, songTitle === undefined ? {} : { songTitle }));
      }),
    );
  }
  if (scenarios.has('generation')) {
    track('generation loop', () =>
      every(ctx, GENERATION_EVERY_MS, () => track('generation job', () => publishGenerationJob(ctx))),
    );
  }
  if (scenarios.has('activity')) {
    const feed = createActivityFeed(ctx.dice, 't1');
    const channel = activityChannel('t1');
    track('activity loop', () =>
      every(ctx, ACTIVITY_EVERY_MS, () =>
        track('activity event', () => ctx.publisher.publish(channel, [feed.next()])),
      ),
    );
  }
  ctx.logger.info(`simulator started (${[...scenarios].join(', ')}; speed ${ctx.pacer.speed})`);

  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        abort.abort();
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        ctx.logger.info('simulator stopped');
      })();
      return stopping;
    },
  };
}

/** Calls `spawn` now and then after every randomised interval until stopped. */
async function every(
  ctx: ScenarioContext,
  range: readonly [number, number],
  spawn: () => void,
): Promise<void> {
  do spawn();
  while (await ctx.pacer.sleep(ctx.dice.between(range[0], range[1])));
}

/** Runs a task so that nothing escapes: failures are logged, a stop mid-flight is silent. */
async function guard(ctx: ScenarioContext, label: string, task: () => Promise<unknown>): Promise<void> {
  try {
    await task();
  } catch (err) {
    if (ctx.pacer.stopped || (err instanceof HeraldError && err.code === ErrorCode.ClientClosed)) return;
    ctx.logger.warn(`${label} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
