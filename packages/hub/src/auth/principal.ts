import { matchesAny } from '@herald/protocol';

/** Who is on the other end of a connection or request, and what they may do. */
export interface Principal {
  /** How the caller authenticated. */
  readonly kind: 'open' | 'token' | 'key';
  /** Token subject; a hash-derived id for API keys; null on an open dev hub. */
  readonly sub: string | null;
  /** Token expiry in ms since epoch, or null when the credential does not expire. */
  readonly exp: number | null;
  /** Channel patterns the caller may subscribe to and read. */
  readonly subChannels: readonly string[];
  /** Channel patterns the caller may publish to. */
  readonly pubChannels: readonly string[];
}

const EVERYTHING: readonly string[] = Object.freeze(['*']);

/** The principal of every caller on an open dev hub. */
export const OPEN_PRINCIPAL: Principal = Object.freeze({
  kind: 'open',
  sub: null,
  exp: null,
  subChannels: EVERYTHING,
  pubChannels: EVERYTHING,
});

/**
 * A principal for a publisher key holder (a trusted backend): it may read and publish on the key's channel
 * patterns, every channel for a key without a scope.
 */
export function keyPrincipal(keyId: string, channels: readonly string[] = EVERYTHING): Principal {
  return { kind: 'key', sub: keyId, exp: null, subChannels: channels, pubChannels: channels };
}

/** Whether `p` may subscribe to (or read the history of) `channel`. */
export function canSubscribe(p: Principal, channel: string): boolean {
  return matchesAny(p.subChannels, channel);
}

/** Whether `p` may publish to `channel`. */
export function canPublish(p: Principal, channel: string): boolean {
  return matchesAny(p.pubChannels, channel);
}
