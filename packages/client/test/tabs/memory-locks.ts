import type { LockManagerLike } from '../../src/tabs/types.js';

interface Waiter {
  readonly grant: () => void;
  readonly reject: (error: Error) => void;
}

interface Held {
  readonly lose: (error: Error) => void;
}

const abortError = () => new DOMException('lock request aborted', 'AbortError');

/**
 * The Web Locks API for tests in Node (which has no `navigator.locks`), within one process: exclusive
 * locks granted in request order, held while the callback's promise is pending, `signal` to leave the
 * queue and `steal` to take a lock from its holder, whose request then rejects with an AbortError, as
 * the specification says. The browser's own implementation is what the Chromium e2e test exercises.
 */
export function createMemoryLocks(): LockManagerLike {
  const held = new Map<string, Held>();
  const queues = new Map<string, Waiter[]>();

  const next = (name: string) => {
    if (held.has(name)) return;
    queues.get(name)?.shift()?.grant();
  };

  return {
    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        let done = false;
        const grant = () => {
          const holder: Held = {
            lose: (error) => {
              if (done) return;
              done = true;
              reject(error);
            },
          };
          held.set(name, holder);
          Promise.resolve()
            .then(() => callback({ name, mode: 'exclusive' }))
            .then(
              (value) => {
                if (held.get(name) === holder) held.delete(name);
                if (!done) {
                  done = true;
                  resolve(value);
                }
                next(name);
              },
              (error: unknown) => {
                if (held.get(name) === holder) held.delete(name);
                holder.lose(error as Error);
                next(name);
              },
            );
        };
        if (options.steal) {
          held.get(name)?.lose(abortError());
          held.delete(name);
          grant();
          return;
        }
        if (options.signal?.aborted) {
          reject(abortError());
          return;
        }
        const waiter: Waiter = { grant, reject };
        const queue = queues.get(name) ?? [];
        queues.set(name, queue);
        queue.push(waiter);
        options.signal?.addEventListener('abort', () => {
          const at = queue.indexOf(waiter);
          if (at < 0) return;
          queue.splice(at, 1);
          reject(abortError());
        });
        next(name);
      });
    },
  };
}
