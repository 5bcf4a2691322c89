import type { LockManagerLike } from './types.js';

/** This tab's candidacy for leader. */
export interface Election {
  /** Takes the lock from a leader that stopped answering (its tab is frozen); no-op while leading. */
  steal(): void;
  /** Withdraws: releases the lock if held (without calling `lose`) and stops queueing for it. */
  close(): void;
}

/**
 * Queues for the exclusive lock `name` for the tab's life. Holding it is leading: `lead` runs when it is
 * granted, `lose` when it is taken away (stolen by a tab that found this one unresponsive), after which the
 * tab queues again. A tab that closes releases the lock, and the browser grants it to the next in line.
 */
export function elect(locks: LockManagerLike, name: string, hooks: { lead(): void; lose(): void }): Election {
  let closed = false;
  let leading = false;
  let current = 0; // the request that counts; older ones (aborted, superseded) are ignored when they end
  let release: (() => void) | undefined;
  let abortQueued: (() => void) | undefined;

  const request = (steal: boolean) => {
    const me = ++current;
    const abort = new AbortController();
    abortQueued = () => abort.abort();
    const options = steal
      ? { mode: 'exclusive' as const, steal }
      : { mode: 'exclusive' as const, signal: abort.signal };
    const granted = () => {
      if (closed || me !== current) return undefined; // superseded while queued: let the lock go
      abortQueued = undefined;
      leading = true;
      hooks.lead();
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    const ended = () => {
      if (me !== current) return;
      release = undefined;
      if (leading) {
        leading = false;
        hooks.lose();
      }
      if (!closed) request(false);
    };
    locks.request(name, options, granted).then(ended, ended);
  };
  request(false);

  return {
    steal() {
      if (leading || closed) return;
      abortQueued?.();
      request(true);
    },
    close() {
      if (closed) return;
      closed = true;
      leading = false;
      abortQueued?.();
      release?.();
    },
  };
}
