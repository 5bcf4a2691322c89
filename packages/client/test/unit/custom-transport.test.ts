import type { ClientMessage, Envelope } from '@herald/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Transport, TransportHandlers } from '../../src/types.js';
import { eventsFrame, fakeClient, run, useFakeTime } from './fakes.js';

beforeEach(useFakeTime);
afterEach(() => {
  vi.useRealTimers();
});

/** A transport written by an app: it plays the hub's side, as `@herald/client/sources` does. */
function echoHub() {
  const opened: { handlers: TransportHandlers; sent: ClientMessage[]; closed: boolean }[] = [];
  const open = (handlers: TransportHandlers): Transport => {
    const link = { handlers, sent: [] as ClientMessage[], closed: false };
    opened.push(link);
    setTimeout(() => handlers.open(), 0);
    return {
      name: 'custom',
      send(message) {
        link.sent.push(message);
        if (message.type === 'hello')
          setTimeout(() =>
            handlers.message(
              {
                type: 'welcome',
                connectionId: 'c',
                heartbeatMs: 0,
                maxFrameBytes: 65_536,
                tokenExpiresAt: null,
              },
              0,
            ),
          );
        if (message.type === 'subscribe')
          setTimeout(() =>
            handlers.message(
              {
                type: 'subscribed',
                rid: message.rid,
                channel: message.channel,
                epoch: 'e',
                lastSeq: 0,
                recovered: true,
              },
              0,
            ),
          );
        return 0;
      },
      close() {
        link.closed = true;
      },
    };
  };
  return { open, opened };
}

describe('ClientOptions.openTransport', () => {
  it('replaces the transports: hello goes first, replies route through the client, status names it', async () => {
    const hub = echoHub();
    const { client } = fakeClient({ openTransport: hub.open, getToken: () => 'tok' });
    const got: Envelope[] = [];
    client.subscribe('run:1', { onEvent: (e) => got.push(e) });
    await run();
    expect(client.getStatus()).toMatchObject({ state: 'connected', transport: 'custom' });
    const link = hub.opened[0]!;
    expect(link.sent.map((m) => m.type)).toEqual(['hello', 'subscribe']);
    expect(link.sent[0]).toMatchObject({ token: 'tok' });
    link.handlers.message(eventsFrame('run:1', 1, 2, 2, 3), 0);
    expect(got.map((e) => e.seq)).toEqual([1, 2, 3]);
    client.close();
    expect(link.closed).toBe(true);
  });

  it('reconnects with the backoff when the transport closes, and resumes from the last position', async () => {
    const hub = echoHub();
    const { client } = fakeClient({ openTransport: hub.open, backoff: { initialMs: 100, maxMs: 100 } });
    client.subscribe('run:1', { onEvent: () => undefined });
    await run();
    hub.opened[0]!.handlers.message(eventsFrame('run:1', 1, 2), 0);
    hub.opened[0]!.handlers.close(1006, 'gone');
    expect(client.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(200);
    await run();
    expect(hub.opened).toHaveLength(2);
    expect(hub.opened[1]!.sent.find((m) => m.type === 'subscribe')).toMatchObject({
      since: { epoch: 'e', seq: 2 },
    });
    client.close();
  });

  it('counts a throwing or rejecting factory as a failed attempt, and closes a late transport', async () => {
    let calls = 0;
    const pending: ((t: Transport) => void)[] = [];
    const late = { closed: false };
    const { client } = fakeClient({
      backoff: { initialMs: 100, maxMs: 100 },
      connectTimeoutMs: 1000,
      openTransport: () => {
        calls++;
        if (calls === 1) throw new Error('no backend');
        return new Promise<Transport>((resolve) => {
          pending.push(resolve);
        });
      },
    });
    client.connect();
    await run();
    expect(client.getStatus()).toMatchObject({ state: 'reconnecting' });
    expect(client.getStatus().lastError?.message).toContain('could not open the transport');
    await vi.advanceTimersByTimeAsync(150);
    await run();
    expect(calls).toBe(2);
    expect(client.state).toBe('connecting');
    await vi.advanceTimersByTimeAsync(1000); // the connect timeout drops the pending attempt
    expect(calls).toBe(3); // and the next one starts after the backoff
    pending[0]!({
      name: 'custom',
      send: () => 0,
      close: () => {
        late.closed = true;
      },
    });
    await run();
    expect(late.closed).toBe(true);
    client.close();
  });
});
