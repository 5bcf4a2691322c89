import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FROM_HISTORY, getChannelStore, toSince } from '../../src/store/registry.js';
import { type FakeClient, fakeClient } from './fake-client.js';

let fake: FakeClient;

beforeEach(() => {
  vi.useFakeTimers();
  fake = fakeClient();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('getChannelStore', () => {
  it('shares one store per (client, channel, start)', () => {
    const a = getChannelStore(fake.client, 'run:1', FROM_HISTORY);
    expect(getChannelStore(fake.client, 'run:1', { seq: 0 })).toBe(a);
    expect(getChannelStore(fake.client, 'run:1', undefined)).not.toBe(a);
    expect(getChannelStore(fake.client, 'run:1', { epoch: 'e', seq: 0 })).not.toBe(a);
    expect(getChannelStore(fake.client, 'run:2', FROM_HISTORY)).not.toBe(a);
    expect(getChannelStore(fakeClient().client, 'run:1', FROM_HISTORY)).not.toBe(a);
  });

  it('forgets an idle store, and a retained old store goes back only if no fresh one took its place', () => {
    const old = getChannelStore(fake.client, 'run:1', undefined);
    old.subscribe(() => {})();
    vi.runAllTimers();
    const fresh = getChannelStore(fake.client, 'run:1', undefined);
    expect(fresh).not.toBe(old);
    old.subscribe(() => {});
    expect(getChannelStore(fake.client, 'run:1', undefined)).toBe(fresh);

    const lone = getChannelStore(fake.client, 'run:3', undefined);
    lone.subscribe(() => {})();
    vi.runAllTimers();
    lone.subscribe(() => {});
    expect(getChannelStore(fake.client, 'run:3', undefined)).toBe(lone);
  });
});

describe('toSince', () => {
  it("maps 'now' to live-only and copies positions", () => {
    expect(toSince('now')).toBeUndefined();
    expect(toSince({ seq: 4 })).toEqual({ seq: 4 });
    expect(toSince({ epoch: 'e', seq: 4 })).toEqual({ epoch: 'e', seq: 4 });
  });
});
