import type { AuthOptions, HubOptions } from '../config.js';
import { isChannelPattern } from './api-keys.js';
import { HubConfigError } from './dev-hub.js';
import { ANY_ORIGIN, normalizeOrigin } from './origins.js';

/** A cookie name as RFC 6265 allows it (an HTTP token). */
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function nonEmptyStrings(name: string, value: string | readonly string[] | undefined): void {
  if (value === undefined) return;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v !== ''))
    throw new RangeError(`${name} must be a non-empty string or a non-empty list of them`);
}

function checkPublisherKeys(keys: AuthOptions['publisherKeys']): void {
  if (keys === undefined) return;
  if (!Array.isArray(keys)) throw new RangeError('auth.publisherKeys must be an array');
  for (const k of keys) {
    if (typeof k === 'string') continue;
    const ok =
      typeof k === 'object' &&
      k !== null &&
      typeof k.key === 'string' &&
      k.key !== '' &&
      Array.isArray(k.channels) &&
      k.channels.length > 0 &&
      k.channels.every(isChannelPattern);
    if (!ok)
      throw new RangeError(
        'auth.publisherKeys: a scoped key is { key, channels } with a non-empty key and at least one channel pattern (A-Za-z0-9:_-. and *)',
      );
  }
}

/**
 * A session cookie is ambient (the browser sends it from any page that talks to the hub), so it needs
 * tokens to carry and an explicit list of origins: the Origin check is what keeps other sites out.
 */
function checkSessionCookie(auth: AuthOptions | undefined, origins: readonly string[] | null): void {
  const cookie = auth?.sessionCookie;
  if (cookie === undefined) return;
  if (typeof cookie !== 'string' || !COOKIE_NAME.test(cookie))
    throw new RangeError("auth.sessionCookie must be a cookie name (letters, digits and !#$%&'*+-.^_`|~)");
  if (!auth?.jwtSecret && !auth?.jwksUrl)
    throw new HubConfigError(
      'auth.sessionCookie needs connection tokens to carry: pass a JWT secret or a JWKS URL',
    );
  if (origins === null || origins.includes(ANY_ORIGIN))
    throw new HubConfigError(
      'auth.sessionCookie needs an Origin allow-list without "*" (--allowed-origin https://app.example.com): browsers send the cookie from any page, and only the Origin check keeps other sites out',
    );
}

/**
 * Checks the auth and origin settings before anything is opened, and returns the origin allow-list
 * normalized (`null` when none was given). Throws a `RangeError` for a malformed value and a
 * {@link HubConfigError} for an unsafe combination (a session cookie without an allow-list).
 */
export function resolveAccessOptions(options: HubOptions): readonly string[] | null {
  const list = options.allowedOrigins;
  if (list !== undefined && !Array.isArray(list)) throw new RangeError('allowedOrigins must be an array');
  const origins = list === undefined ? null : Object.freeze([...new Set(list.map(normalizeOrigin))]);
  const auth = options.auth;
  const tolerance = auth?.clockToleranceSec;
  if (tolerance !== undefined && !(Number.isFinite(tolerance) && tolerance >= 0))
    throw new RangeError('auth.clockToleranceSec must be a number of seconds >= 0');
  nonEmptyStrings('auth.audience', auth?.audience);
  nonEmptyStrings('auth.issuer', auth?.issuer);
  checkPublisherKeys(auth?.publisherKeys);
  checkSessionCookie(auth, origins);
  return origins;
}
