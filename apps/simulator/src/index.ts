/**
 * Herald's demo traffic: publishes realistic MeatyMusic workflow runs, video generation jobs and a
 * PurposePath activity feed to a hub through its HTTP API.
 * @packageDocumentation
 */
export type { ScenarioContext } from './context.js';
export {
  createHttpPublisher,
  type HttpPublisher,
  type HttpPublisherOptions,
  type PublishedEvent,
} from './http-publisher.js';
export { type SimulatorLogger, silentLogger } from './logger.js';
export {
  publishScenarioOnce,
  type ScenarioName,
  type ScenarioOptionsMap,
  type ScenarioResultMap,
} from './once.js';
export { createPacer, type Pacer } from './pacer.js';
export { createDice, type Dice, type RandomSource, seededRandom } from './random.js';
export { createScenarioContext, type ScenarioContextOptions } from './scenario-context.js';
export {
  type ActivityBurstOptions,
  type ActivityBurstResult,
  activityChannel,
  publishActivityBurst,
} from './scenarios/activity.js';
export { type ActivityEvent, type ActivityFeed, createActivityFeed } from './scenarios/activity-feed.js';
export {
  GENERATION_ENTRY_TTL_MS,
  type GenerationEntry,
  generationEntryOps,
  RUN_ENTRY_TTL_MS,
  type RunEntry,
  runEntryOps,
} from './scenarios/collections.js';
export {
  GENERATIONS_CHANNEL,
  type GenerationJobOptions,
  type GenerationJobResult,
  generationChannel,
  publishGenerationJob,
} from './scenarios/generation.js';
export { clipStep, ENCODING_STEP, generationPlan } from './scenarios/generation-job.js';
export {
  publishWorkflowRun,
  RUNS_CHANNEL,
  runChannel,
  WORKFLOW_NODES,
  type WorkflowNode,
  type WorkflowRunOptions,
  type WorkflowRunResult,
} from './scenarios/workflow.js';
export {
  LYRICS_OUTPUT,
  lyricsTokenOps,
  lyricTokens,
  type NodeReport,
  nodeEndOps,
  nodeFailOps,
  nodeStartOps,
  runCompletedOps,
  runStartedOps,
} from './scenarios/workflow-job.js';
export { type Simulator, type SimulatorOptions, startSimulator } from './simulator.js';
