import { isValidChannel } from './channel.js';
import { ErrorCode } from './codes.js';
import { MAX_ID_LENGTH, MAX_TYPE_LENGTH } from './envelope.js';
import { checkStateOps } from './state/check.js';
import { stateInvalid } from './state/errors.js';

/** A validation failure: a stable code and a human-readable reason. */
export interface Invalid {
  readonly code: ErrorCode;
  readonly message: string;
}

/** Plain-object check that rejects arrays and null. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string of at most `max` characters. */
export function isShortString(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= max;
}

/** A safe non-negative integer. */
export function isSeq(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Checks a request id (`rid`). */
export function checkRid(v: unknown): Invalid | undefined {
  return isShortString(v, 64) ? undefined : bad('`rid` must be a string of 1-64 characters');
}

/** Checks a channel name. */
export function checkChannel(v: unknown): Invalid | undefined {
  return isValidChannel(v)
    ? undefined
    : { code: ErrorCode.BadChannel, message: 'channel must be 1-128 characters from A-Za-z0-9:_-.' };
}

/**
 * Checks an event as a publisher submits it: `{type, data, id?, state?}`. The shape of `state` is checked
 * here (`ERR_BAD_STATE_OP`); whether its operations fit the document is known only when they are applied.
 */
export function checkPublishInput(v: unknown): Invalid | undefined {
  if (!isRecord(v)) return bad('event must be an object {type, data, id?, state?}');
  if (!isShortString(v.type, MAX_TYPE_LENGTH)) return bad('event.type must be a string of 1-128 characters');
  if (!('data' in v) || v.data === undefined) return bad('event.data is required (use null for none)');
  if (v.id !== undefined && !isShortString(v.id, MAX_ID_LENGTH))
    return bad('event.id must be a string of 1-128 characters');
  for (const key of Object.keys(v)) {
    if (key !== 'type' && key !== 'data' && key !== 'id' && key !== 'state')
      return bad(`event has unknown field "${key}"`);
  }
  if (v.state === undefined) return undefined;
  const failure = checkStateOps(v.state);
  return failure && stateInvalid(failure);
}

/** Checks a `since` position: `{seq, epoch?}`. */
export function checkSince(v: unknown): Invalid | undefined {
  if (!isRecord(v) || !isSeq(v.seq)) {
    return { code: ErrorCode.BadPosition, message: 'since must be {seq: integer >= 0, epoch?: string}' };
  }
  if (v.epoch !== undefined && !isShortString(v.epoch, 64)) {
    return { code: ErrorCode.BadPosition, message: 'since.epoch must be a string of 1-64 characters' };
  }
  return undefined;
}

/** Shorthand for a {@link ErrorCode.BadMessage} failure. */
export function bad(message: string): Invalid {
  return { code: ErrorCode.BadMessage, message };
}
