import { afterEach, describe, expect, it } from 'vitest';
import { localStorageAdapter } from '../../src/storage.js';

const g = globalThis as { localStorage?: unknown };

describe('localStorageAdapter', () => {
  afterEach(() => {
    delete g.localStorage;
  });

  it('reads and writes localStorage under a prefix', () => {
    const data = new Map<string, string>();
    g.localStorage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => data.set(k, v),
      removeItem: (k: string) => data.delete(k),
    };
    const s = localStorageAdapter('app:');
    s.setItem('x', '1');
    expect(data.get('app:x')).toBe('1');
    expect(s.getItem('x')).toBe('1');
    s.removeItem('x');
    expect(s.getItem('x')).toBeNull();
  });

  it('is inert without localStorage and never throws', () => {
    const s = localStorageAdapter();
    expect(s.getItem('x')).toBeNull();
    expect(() => s.setItem('x', '1')).not.toThrow();
    Object.defineProperty(g, 'localStorage', {
      configurable: true,
      get() {
        throw new Error('SecurityError');
      },
    });
    expect(s.getItem('x')).toBeNull();
    expect(() => s.removeItem('x')).not.toThrow();
  });

  it('swallows quota errors', () => {
    g.localStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {},
    };
    expect(() => localStorageAdapter().setItem('k', 'v')).not.toThrow();
  });
});
