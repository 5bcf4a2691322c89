import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ErrorCode, HeraldError } from '@herald/protocol';

/** A fresh epoch: 16 URL-safe characters (96 random bits), well under the 64-character wire limit. */
export function newEpoch(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * The epoch of a channel's first history in a store whose data carries `generation` (a random value drawn
 * once when the database, schema or keyspace was created). Reads of a channel never written report it
 * without storing anything, and the first append stores it, so a client that subscribed to the empty
 * channel resumes in the same epoch. A new database draws a new generation, hence new epochs.
 */
export function firstEpoch(generation: string, channel: string): string {
  return createHash('sha256').update(`${generation}\n${channel}`).digest('base64url').slice(0, 16);
}

/**
 * What every id the hub draws starts with. Publishers' ids (the client's are UUIDs) rarely do, which lets
 * a store keep its id dedupe index for supplied ids only: a drawn id is unique by construction and never
 * needs looking up (see sqlite-schema.ts).
 */
export const MINTED_ID_PREFIX = 'h-';

/** An id for an event published without one: {@link MINTED_ID_PREFIX} and a random UUID. */
export function newEventId(): string {
  return MINTED_ID_PREFIX + randomUUID();
}

/** Length of every {@link newEventId} id. */
export const MINTED_ID_LENGTH = MINTED_ID_PREFIX.length + 36;

/** Whether `id` has the form of a hub-drawn id (it may still be a publisher's, chosen to look like one). */
export function isMintedForm(id: string): boolean {
  return id.startsWith(MINTED_ID_PREFIX);
}

/** The error for any use of a store or broker after `close()`: retryable, since another node may serve. */
export function closedError(what: string): HeraldError {
  return new HeraldError(ErrorCode.ShuttingDown, `${what} is closed`);
}
