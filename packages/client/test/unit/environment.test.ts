import { afterEach, describe, expect, it } from 'vitest';
import { resolveUrls } from '../../src/client.js';
import { createEnvironment } from '../../src/environment.js';

const g = globalThis as Record<string, unknown>;

class Target extends EventTarget {
  visibilityState = 'hidden';
}

describe('environment', () => {
  afterEach(() => {
    delete g.window;
    delete g.document;
    Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true, writable: true });
  });

  it('uses real timers and clock by default', async () => {
    const env = createEnvironment();
    expect(Math.abs(env.now() - Date.now())).toBeLessThan(1000);
    expect(env.random()).toBeLessThan(1);
    const fired = await new Promise<boolean>((resolve) => {
      const h = env.setTimeout(() => resolve(false), 5);
      env.clearTimeout(h);
      env.setTimeout(() => resolve(true), 10);
    });
    expect(fired).toBe(true);
    expect(typeof env.fetch).toBe('function');
  });

  it('is online and inert without browser globals', () => {
    const env = createEnvironment();
    expect(env.isOnline()).toBe(true);
    const off = env.onOnlineChange(() => {});
    off();
    env.onVisible(() => {})();
  });

  it('follows window online/offline, navigator.onLine and document visibility', () => {
    const win = new Target();
    const doc = new Target();
    g.window = win;
    g.document = doc;
    Object.defineProperty(globalThis, 'navigator', {
      value: { onLine: false },
      configurable: true,
      writable: true,
    });
    const env = createEnvironment();
    expect(env.isOnline()).toBe(false);
    const seen: unknown[] = [];
    const offOnline = env.onOnlineChange((online) => seen.push(online));
    const offVisible = env.onVisible(() => seen.push('visible'));
    win.dispatchEvent(new Event('online'));
    win.dispatchEvent(new Event('offline'));
    doc.dispatchEvent(new Event('visibilitychange')); // still hidden: ignored
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    offOnline();
    offVisible();
    win.dispatchEvent(new Event('online'));
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(seen).toEqual([true, false, 'visible']);
  });

  it('lets overrides replace any member', () => {
    expect(createEnvironment({ now: () => 42 }).now()).toBe(42);
  });
});

describe('resolveUrls', () => {
  it('derives the WebSocket and HTTP URLs from either form', () => {
    expect(resolveUrls('http://h:1')).toEqual({ ws: 'ws://h:1/v1/ws', http: 'http://h:1' });
    expect(resolveUrls('https://h/')).toEqual({ ws: 'wss://h/v1/ws', http: 'https://h' });
    expect(resolveUrls('ws://h:1/v1/ws')).toEqual({ ws: 'ws://h:1/v1/ws', http: 'http://h:1' });
    expect(resolveUrls('wss://h/v1/ws/')).toEqual({ ws: 'wss://h/v1/ws', http: 'https://h' });
  });
});
