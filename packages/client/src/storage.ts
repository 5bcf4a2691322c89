import type { StorageLike } from './types.js';

/**
 * A {@link StorageLike} over `localStorage` that never throws (private mode, quota, no DOM). Keys are
 * prefixed with `prefix`. Without `localStorage` it stores nothing.
 */
export function localStorageAdapter(prefix = ''): StorageLike {
  const guard = <T>(fn: (s: Storage) => T, fallback: T): T => {
    try {
      const s = globalThis.localStorage; // reading it throws too when storage is blocked
      return s ? fn(s) : fallback;
    } catch {
      return fallback;
    }
  };
  return {
    getItem: (key) => guard((s) => s.getItem(prefix + key), null),
    setItem: (key, value) => guard((s) => s.setItem(prefix + key, value), undefined),
    removeItem: (key) => guard((s) => s.removeItem(prefix + key), undefined),
  };
}
