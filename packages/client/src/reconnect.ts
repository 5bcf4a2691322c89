import type { HeraldError } from '@herald/protocol';
import { backoffDelay, mayRetry } from './backoff.js';
import type { ClientContext } from './context.js';

/** The reconnect policy after a failed attempt or a lost connection: wait, pause offline, or give up. */
export interface ReconnectPolicy {
  /** Gives up: state `failed` with `error`, also emitted as an `error` event. */
  fail(error: HeraldError, code?: number, reason?: string): void;
  /**
   * Plans the next attempt: calls `open` after a full-jitter backoff (or after `delay` when given), waits
   * in `offline` while the network is down, or gives up after `maxAttempts` consecutive failures.
   */
  retry(error: HeraldError, code: number, reason: string, delay?: number): void;
  /** A connection is up: the failure count resets once it stays up `minUptimeMs`. */
  connected(): void;
  /** Counts failures afresh (a reconnect asked for after giving up). */
  reset(): void;
}

/** Creates the policy; `open` starts an attempt. */
export function createReconnectPolicy(ctx: ClientContext, open: () => void): ReconnectPolicy {
  const { backoff, env, store, timers } = ctx;
  let failures = 0; // consecutive failed attempts; reset only after minUptimeMs connected

  const fail = (error: HeraldError, code?: number, reason?: string) => {
    store.setState('failed', { lastError: error, nextRetryAt: null }, code, reason);
    ctx.events.emit('error', error);
  };
  return {
    fail,
    retry(error, code, reason, delay) {
      if (!mayRetry(failures, backoff)) {
        fail(error, code, reason);
        return;
      }
      failures++;
      if (!env.isOnline()) {
        store.setState('offline', { lastError: error, attempt: failures, nextRetryAt: null }, code, reason);
        return;
      }
      const ms = delay ?? backoffDelay(failures, backoff, env.random);
      store.setState(
        'reconnecting',
        { lastError: error, attempt: failures, nextRetryAt: env.now() + ms },
        code,
        reason,
      );
      timers.set('retry', ms, open);
    },
    connected() {
      timers.set('uptime', backoff.minUptimeMs, () => {
        failures = 0;
      });
    },
    reset() {
      failures = 0;
    },
  };
}
