import { randomBytes, randomUUID } from 'node:crypto';
import { ErrorCode, HeraldError } from '@herald/protocol';

/** A fresh epoch: 16 URL-safe characters (96 random bits), well under the 64-character wire limit. */
export function newEpoch(): string {
  return randomBytes(12).toString('base64url');
}

/** An id for an event published without one. */
export function newEventId(): string {
  return randomUUID();
}

/** The error for any use of a store or broker after `close()`: retryable, since another node may serve. */
export function closedError(what: string): HeraldError {
  return new HeraldError(ErrorCode.ShuttingDown, `${what} is closed`);
}
