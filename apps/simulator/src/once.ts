import { createScenarioContext, type ScenarioContextOptions } from './scenario-context.js';
import {
  type ActivityBurstOptions,
  type ActivityBurstResult,
  publishActivityBurst,
} from './scenarios/activity.js';
import {
  type GenerationJobOptions,
  type GenerationJobResult,
  publishGenerationJob,
} from './scenarios/generation.js';
import { publishWorkflowRun, type WorkflowRunOptions, type WorkflowRunResult } from './scenarios/workflow.js';

/** The scenarios the simulator knows. */
export type ScenarioName = 'workflow' | 'generation' | 'activity';

/** Per-scenario options for {@link publishScenarioOnce}. */
export interface ScenarioOptionsMap {
  workflow: WorkflowRunOptions;
  generation: GenerationJobOptions;
  activity: ActivityBurstOptions;
}

/** Per-scenario results of {@link publishScenarioOnce}. */
export interface ScenarioResultMap {
  workflow: WorkflowRunResult;
  generation: GenerationJobResult;
  activity: ActivityBurstResult;
}

/**
 * Publishes one instance of a scenario (one run, one job, or one burst of activity) and resolves when
 * it is done. Rejects with a `HeraldError` if the hub stays unreachable past the retries.
 *
 * @example
 * await publishScenarioOnce('workflow', { baseUrl: hub.url, speed: 50, fixLoop: true });
 */
export function publishScenarioOnce<N extends ScenarioName>(
  name: N,
  options: ScenarioContextOptions & ScenarioOptionsMap[N],
): Promise<ScenarioResultMap[N]> {
  const ctx = createScenarioContext(options);
  const run: { [K in ScenarioName]: () => Promise<ScenarioResultMap[K]> } = {
    workflow: () => publishWorkflowRun(ctx, options as WorkflowRunOptions),
    generation: () => publishGenerationJob(ctx, options as GenerationJobOptions),
    activity: () => publishActivityBurst(ctx, options as ActivityBurstOptions),
  };
  return run[name]();
}
