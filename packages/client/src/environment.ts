import type { Environment } from './types.js';

interface EventSource {
  addEventListener(type: string, fn: () => void): void;
  removeEventListener(type: string, fn: () => void): void;
}

const g = globalThis as unknown as {
  window?: EventSource;
  document?: EventSource & { visibilityState?: string };
  navigator?: { onLine?: boolean };
};

const listen = (
  target: EventSource | undefined,
  types: string[],
  fn: (type: string) => void,
): (() => void) => {
  const handlers = types.map((type) => [type, () => fn(type)] as const);
  for (const [type, h] of handlers) target?.addEventListener(type, h);
  return () => {
    for (const [type, h] of handlers) target?.removeEventListener(type, h);
  };
};

/**
 * The environment the client runs in: browser globals when present, inert sources in Node. Any member in
 * `overrides` replaces the default, so tests inject fake timers, clocks and online/visibility sources.
 */
export function createEnvironment(overrides: Partial<Environment> = {}): Environment {
  return {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    now: () => Date.now(),
    random: Math.random,
    isOnline: () => g.navigator?.onLine !== false,
    onOnlineChange: (fn) => listen(g.window, ['online', 'offline'], (type) => fn(type === 'online')),
    onVisible: (fn) =>
      listen(g.document, ['visibilitychange'], () => {
        if (g.document?.visibilityState === 'visible') fn();
      }),
    fetch: (...args) => fetch(...args),
    ...overrides,
  };
}
