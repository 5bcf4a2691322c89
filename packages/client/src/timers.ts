import type { Environment } from './types.js';

/** Named one-shot timers: setting a name replaces its previous timer, so each concern has at most one. */
export interface Timers {
  set(name: string, ms: number, fn: () => void): void;
  clear(name: string): void;
  clearAll(): void;
}

/** Creates named timers on the injected environment's clock. */
export function createTimers(env: Pick<Environment, 'setTimeout' | 'clearTimeout'>): Timers {
  const handles = new Map<string, unknown>();
  const clear = (name: string) => {
    if (handles.has(name)) env.clearTimeout(handles.get(name));
    handles.delete(name);
  };
  return {
    set(name, ms, fn) {
      clear(name);
      handles.set(
        name,
        env.setTimeout(() => {
          handles.delete(name);
          fn();
        }, ms),
      );
    },
    clear,
    clearAll() {
      for (const name of [...handles.keys()]) clear(name);
    },
  };
}
