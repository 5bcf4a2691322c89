import type { BackoffOptions } from './types.js';

/** The default reconnect policy: 1 s doubling to 30 s, retry forever, reset after 5 s of uptime. */
export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 1000,
  maxMs: 30_000,
  factor: 2,
  maxAttempts: Infinity,
  minUptimeMs: 5000,
};

/**
 * Full-jitter exponential backoff: a random delay in [0, min(maxMs, initialMs × factor^(attempt−1))).
 * Jitter spreads a herd of clients reconnecting after a hub restart. `attempt` counts from 1.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Whether the policy allows another attempt after `attempt` consecutive failures. */
export function mayRetry(attempt: number, options: BackoffOptions): boolean {
  return attempt < options.maxAttempts;
}
