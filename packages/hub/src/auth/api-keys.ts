import { createHash, timingSafeEqual } from 'node:crypto';
import { isValidChannel } from '@herald/protocol';
import type { PublisherKey } from '../config.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Whether `pattern` is a channel pattern: a channel name in which `*` may stand for any run of characters. */
export function isChannelPattern(pattern: unknown): pattern is string {
  return typeof pattern === 'string' && isValidChannel(pattern.replaceAll('*', '_'));
}

/** The secret of a configured publisher key, plain or scoped. */
export function keyValue(key: PublisherKey): string {
  return typeof key === 'string' ? key : key.key;
}

/** A key that matched: its non-secret id and the channel patterns it may use (`['*']` for a plain key). */
export interface KeyMatch {
  /** `key:` + 12 hex chars of the key's SHA-256. */
  readonly id: string;
  readonly channels: readonly string[];
}

interface StoredKey {
  readonly digest: Buffer;
  readonly channels: readonly string[];
}

const EVERY_CHANNEL: readonly string[] = Object.freeze(['*']);

/**
 * Checks publisher API keys in constant time, and names keys by a hash so logs and metrics never see them.
 * A scoped key (`{ key, channels }`) carries the channel patterns it may publish to and read.
 */
export class ApiKeys {
  private readonly keys: readonly StoredKey[];

  constructor(keys: readonly PublisherKey[]) {
    this.keys = keys
      .filter((k) => keyValue(k).length > 0)
      .map((k) => ({
        digest: digest(keyValue(k)),
        channels: typeof k === 'string' ? EVERY_CHANNEL : Object.freeze([...k.channels]),
      }));
  }

  /** How many keys are configured. */
  get size(): number {
    return this.keys.length;
  }

  /** Returns the key's id and channel patterns when `candidate` is a configured key, else `null`. */
  identify(candidate: string): KeyMatch | null {
    const d = digest(candidate);
    let found: StoredKey | null = null;
    // Compare against every key so timing does not reveal which one (or whether any) matched.
    for (const k of this.keys) if (timingSafeEqual(k.digest, d)) found = k;
    return found === null ? null : { id: `key:${d.toString('hex').slice(0, 12)}`, channels: found.channels };
  }
}
