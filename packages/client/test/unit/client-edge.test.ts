import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEnvironment } from '../../src/environment.js';
import { FakeWebSocket, fakeClient, settle, useFakeTime } from './fakes.js';

beforeEach(useFakeTime);
afterEach(() => {
  vi.useRealTimers();
});

describe('client edge cases', () => {
  it('refuses an empty list of hub URLs with a clear error instead of failing later', () => {
    expect(() => fakeClient({ url: [] })).toThrow(new TypeError('herald: `url` needs at least one hub URL'));
  });

  it('stays offline (no duplicate state event) when reconnect() is called without network', async () => {
    const { client, sources } = fakeClient({ lazy: false });
    await settle();
    sources.setOnline(false);
    const states: string[] = [];
    client.on('state', (s) => states.push(s.newState));
    client.reconnect();
    expect(client.state).toBe('offline');
    expect(states).toEqual([]);
    client.close();
  });

  it('logs instead of throwing when a send fails on a dying socket', async () => {
    const warn = vi.fn();
    const { client } = fakeClient({ lazy: false, logger: { warn } });
    await settle();
    const ws = FakeWebSocket.last();
    ws.accept();
    ws.readyState = 2; // closing: FakeWebSocket.send throws like a browser socket would
    expect(() => client.subscribe('c', {})).not.toThrow();
    expect(warn).toHaveBeenCalledWith('herald: send failed', expect.any(Error));
    client.close();
  });

  it('keeps the connection when getToken fails on refresh_required', async () => {
    let n = 0;
    const warn = vi.fn();
    const { client } = fakeClient({
      lazy: false,
      logger: { warn },
      getToken: () => {
        if (++n > 1) throw new Error('token service down');
        return 't1';
      },
    });
    await settle();
    const ws = FakeWebSocket.last();
    ws.accept();
    ws.deliver({ type: 'refresh_required', expiresAt: 0 });
    await settle();
    expect(warn).toHaveBeenCalledWith('herald: getToken failed on refresh', expect.any(Error));
    expect(ws.sentOf('refresh')).toEqual([]);
    expect(client.state).toBe('connected');
    client.close();
  });

  it('uses globalThis.fetch by default', async () => {
    const spy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('{}'));
    await createEnvironment().fetch('http://x.test/');
    expect(spy).toHaveBeenCalledWith('http://x.test/');
    spy.mockRestore();
  });
});
