/**
 * `@herald/client/jobs`: `createJobPublisher`, a small typed publisher of the job vocabulary (status, steps
 * with attempts, progress and ETA, metadata, streamed outputs, artifacts, result or error, child jobs) over
 * the hub's HTTP API, for backends in Node 20 and for browsers. Calls go out in order, coalesced into batch
 * publishes, with idempotent ids and retries, so a retried publish is stored once.
 * @packageDocumentation
 */

export type { JobArtifact, JobError, JobState, JobStatus, PublishResult, StepStatus } from '@herald/protocol';
export { BatchError } from './http-batch.js';
export { createJobPublisher } from './job-publisher.js';
export type {
  ChildJobOptions,
  JobProgressOptions,
  JobPublisher,
  JobPublisherOptions,
  JobToken,
  OutputPublisher,
  StepEndOptions,
  StepPublisher,
} from './types.js';
