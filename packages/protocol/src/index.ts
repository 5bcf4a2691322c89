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
} from './http.js';
export type * from './messages.js';
export { type HistoryExtent, planResume, type ResumePlan } from './resume.js';
export { checkChannel, checkPublishInput, checkSince, type Invalid, isRecord } from './validate.js';
