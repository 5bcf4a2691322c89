import { ErrorCode } from '../codes.js';
import type { Invalid } from '../validate.js';
import type { StateFailure, StateFailureReason } from './apply.js';

/** The one mapping from why state operations failed to the error code a publisher receives. */
const CODE_OF: { readonly [R in StateFailureReason]: ErrorCode } = {
  malformed: ErrorCode.BadStateOp,
  conflict: ErrorCode.StateConflict,
  'test-failed': ErrorCode.StateTestFailed,
};

/** The error code of a state failure. */
export function stateErrorCode(reason: StateFailureReason): ErrorCode {
  return CODE_OF[reason];
}

/**
 * A state failure as a coded publish error. `event` is the failing event's index in its batch; it is named
 * in the message only for batches of more than one, as other publish errors are.
 */
export function stateInvalid(failure: StateFailure, event = 0, batchSize = 1): Invalid {
  const where = batchSize > 1 ? `events[${event}].` : '';
  const message = failure.message.startsWith('state')
    ? `${where}${failure.message}`
    : `${where}state[${failure.index}]: ${failure.message}`;
  return { code: stateErrorCode(failure.reason), message };
}
