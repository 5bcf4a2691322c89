/**
 * The Herald wire protocol (`herald.v1`): message types, codec with validation in both directions,
 * channel rules and the stable error and close codes. Shared by the hub and the client.
 * @packageDocumentation
 */
export { isValidChannel, MAX_CHANNEL_LENGTH, matchesAny, matchesPattern } from './channel.js';
export {
  encodeEventsFrame,
  type ParseResult,
  parseClientMessage,
  parseServerMessage,
  stringifyClientMessage,
  stringifyServerMessage,
  validateClientMessage,
  validateServerMessage,
} from './codec.js';
export {
  type CloseAction,
  CloseCode,
  closeAction,
  closeCodeFor,
  closeError,
  ERROR_TABLE,
  ErrorCode,
  type ErrorCodeInfo,
  httpStatus,
  isRetryableError,
  SUBPROTOCOL,
} from './codes.js';
export {
  COLLECTION_EXPIRED_TYPE,
  type CollectionSetOptions,
  collectionOps,
  expiryEventId,
} from './collection/ops.js';
export {
  type CollectionEntry,
  type CollectionView,
  collectionExpiries,
  readCollection,
} from './collection/view.js';
export type { Envelope, JsonValue, Position, PublishInput, SincePosition } from './envelope.js';
export { MAX_ID_LENGTH, MAX_TYPE_LENGTH } from './envelope.js';
export { type ErrorBody, HeraldError } from './errors.js';
export { DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT } from './history.js';
export {
  type ErrorResponseBody,
  type HistoryPageBody,
  historyPage,
  type PublishResponseBody,
  type PublishResult,
  publishResult,
  type StateBody,
} from './http.js';
export { jobOps, type StepEnd } from './job/ops.js';
export type {
  JobArtifact,
  JobChild,
  JobError,
  JobState,
  JobStatus,
  JobStep,
  StepStatus,
} from './job/types.js';
export { FINAL_JOB_STATUSES } from './job/types.js';
export { type JobStepView, type JobView, jobView, readJob } from './job/view.js';
export { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js';
export type * from './messages.js';
export { type HistoryExtent, planResume, type ResumePlan } from './resume.js';
export {
  applyStateOps,
  type StateFailure,
  type StateFailureReason,
  type StateResult,
} from './state/apply.js';
export { checkStateOps, isStateOps, MAX_STATE_OPS } from './state/check.js';
export { stateErrorCode, stateInvalid } from './state/errors.js';
export { EMPTY_STATE, STATE_OP_NAMES, type StateOp, type StateOpName } from './state/ops.js';
export { escapeToken, parsePointer, pointerOf } from './state/pointer.js';
export { checkChannel, checkPublishInput, checkSince, type Invalid, isRecord } from './validate.js';
