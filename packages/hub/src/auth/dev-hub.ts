import type { AuthOptions } from '../config.js';
import { keyValue } from './api-keys.js';

/** Whether `host` binds only the loopback interface. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** Whether any authentication is configured. */
export function hasAuth(auth: AuthOptions | undefined): boolean {
  return Boolean(
    auth?.jwtSecret || auth?.jwksUrl || (auth?.publisherKeys?.some((k) => keyValue(k).length > 0) ?? false),
  );
}

/** Thrown when the hub configuration is unsafe or inconsistent; the CLI prints its message and exits 1. */
export class HubConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubConfigError';
  }
}

/**
 * The dev-hub rule: a hub without auth runs open only when bound to loopback. Returns true for an open dev hub,
 * false when auth is configured, and throws {@link HubConfigError} otherwise.
 */
export function decideOpenDevHub(host: string, auth: AuthOptions | undefined): boolean {
  if (hasAuth(auth)) return false;
  if (isLoopbackHost(host)) return true;
  throw new HubConfigError(
    `refusing to start on ${host} without auth: pass --jwt-secret, --jwks or --publisher-key (or bind to 127.0.0.1 for an open dev hub)`,
  );
}
