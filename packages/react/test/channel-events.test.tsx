// @vitest-environment jsdom
import { act, render, renderHook } from '@testing-library/react';
import { Profiler, StrictMode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useChannelEvents } from '../src/hooks/use-channel-events.js';
import { type Fixture, publishMany, startFixture, waitFor } from './helpers.js';

function Log() {
  const { events } = useChannelEvents('run:strict');
  return <span data-testid="count">{events.length}</span>;
}

function Sub({ channel }: { channel: string }) {
  useChannelEvents(channel);
  return null;
}

function Burst({ onSeqs }: { onSeqs: (seqs: readonly number[]) => void }) {
  const { events, status } = useChannelEvents('run:burst');
  onSeqs(events.map((e) => e.seq));
  return <span data-testid="status">{status}</span>;
}

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('useChannelEvents against a real hub', () => {
  it('goes live, replays retained history and then follows live events', async () => {
    fx = await startFixture();
    await fx.hub.publish('run:h', [{ type: 'old', data: { n: 1 } }]);
    const { result, unmount } = renderHook(() => useChannelEvents('run:h'), { wrapper: fx.wrapper });
    expect(result.current.status).toBe('loading');
    await waitFor(() => result.current.status === 'live' && result.current.events.length === 1);
    await fx.hub.publish('run:h', [{ type: 'new', data: { n: 2 } }]);
    await waitFor(() => result.current.events.length === 2);
    expect(result.current.events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'old'],
      [2, 'new'],
    ]);
    unmount();
    await waitFor(() => fx?.client.stats().subscriptions === 0);
  });

  it("since: 'now' skips history", async () => {
    fx = await startFixture();
    await fx.hub.publish('run:n', [{ type: 'old', data: null }]);
    const { result } = renderHook(() => useChannelEvents('run:n', { since: 'now' }), { wrapper: fx.wrapper });
    await waitFor(() => result.current.status === 'live');
    await fx.hub.publish('run:n', [{ type: 'new', data: null }]);
    await waitFor(() => result.current.events.length === 1);
    expect(result.current.events[0]?.type).toBe('new');
  });

  it('caps the list at limit, keeping the newest', async () => {
    fx = await startFixture();
    const { result } = renderHook(() => useChannelEvents('run:cap', { limit: 10 }), { wrapper: fx.wrapper });
    await waitFor(() => result.current.status === 'live');
    await publishMany(fx.hub, 'run:cap', 25);
    await waitFor(() => result.current.events.at(-1)?.seq === 25);
    expect(result.current.events.map((e) => e.seq)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  });

  it('clear() hides what was received so far, for this hook only', async () => {
    fx = await startFixture();
    const { result } = renderHook(
      () => ({ a: useChannelEvents('run:clr'), b: useChannelEvents('run:clr') }),
      { wrapper: fx.wrapper },
    );
    await waitFor(() => result.current.a.status === 'live');
    await publishMany(fx.hub, 'run:clr', 3);
    await waitFor(() => result.current.a.events.length === 3);
    act(() => result.current.a.clear());
    expect(result.current.a.events).toEqual([]);
    expect(result.current.b.events).toHaveLength(3);
    await fx.hub.publish('run:clr', [{ type: 'after', data: null }]);
    await waitFor(() => result.current.a.events.length === 1);
    expect(result.current.a.events[0]?.seq).toBe(4);
  });

  it('StrictMode: one connection and one server subscription for two components on one channel', async () => {
    fx = await startFixture();
    const client = fx.client;
    const view = render(
      <StrictMode>
        <fx.wrapper>
          <Log />
          <Log />
        </fx.wrapper>
      </StrictMode>,
    );
    await waitFor(() => client.state === 'connected');
    await fx.hub.publish('run:strict', [{ type: 'x', data: null }]);
    await waitFor(() => view.getAllByTestId('count').every((el) => el.textContent === '1'));
    expect(fx.hub.connectionCount()).toBe(1);
    expect(client.stats().subscriptions).toBe(1);
    expect(fx.hub.stats().subscriptions).toBe(1);
    view.unmount();
    await waitFor(() => client.stats().subscriptions === 0 && fx?.hub.stats().subscriptions === 0);
  });

  it('1,000 mount/unmount cycles leave no subscriptions behind', async () => {
    fx = await startFixture();
    const client = fx.client;
    for (let i = 0; i < 1000; i++) {
      const view = render(
        <StrictMode>
          <fx.wrapper>
            <Sub channel={`run:cycle${i % 7}`} />
          </fx.wrapper>
        </StrictMode>,
      );
      view.unmount();
    }
    await waitFor(() => client.stats().subscriptions === 0, { timeoutMs: 20_000 });
    await waitFor(() => fx?.hub.stats().subscriptions === 0, { timeoutMs: 20_000 });
  });

  it('batches a burst of 500 events into far fewer renders, all in order', async () => {
    fx = await startFixture();
    let renders = 0;
    let latest: readonly number[] = [];
    const view = render(
      <fx.wrapper>
        <Profiler id="burst" onRender={() => renders++}>
          <Burst
            onSeqs={(seqs) => {
              latest = seqs;
            }}
          />
        </Profiler>
      </fx.wrapper>,
    );
    await waitFor(() => view.getByTestId('status').textContent === 'live');
    const before = renders;
    await publishMany(fx.hub, 'run:burst', 500);
    await waitFor(() => latest.length === 500, { timeoutMs: 15_000 });
    expect(latest).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(renders - before).toBeLessThan(50);
  });

  it('reports a gap when the hub comes back with a new history (new epoch), then continues live', async () => {
    fx = await startFixture({ backoff: { initialMs: 50, maxMs: 100 } });
    const { result } = renderHook(() => useChannelEvents('run:gap'), { wrapper: fx.wrapper });
    await waitFor(() => result.current.status === 'live');
    await publishMany(fx.hub, 'run:gap', 3);
    await waitFor(() => result.current.events.length === 3);
    expect(result.current.gap).toBeNull();
    await fx.stopHub();
    // A fresh in-memory hub: the old epoch is gone, so the client cannot resume and must say so.
    await fx.startHubAgain();
    await waitFor(() => result.current.gap !== null, { timeoutMs: 15_000 });
    expect(result.current.gap?.channel).toBe('run:gap');
    expect(result.current.gap?.last?.seq).toBe(3);
    await fx.hub.publish('run:gap', [{ type: 'after-gap', data: null }]);
    await waitFor(() => result.current.events.at(-1)?.type === 'after-gap');
    expect(result.current.events.map((e) => e.seq)).toEqual([1, 2, 3, 1]);
    act(() => result.current.clear());
    expect(result.current.gap).toBeNull();
  });

  it('an invalid channel name gives status error with ERR_BAD_CHANNEL', async () => {
    fx = await startFixture();
    const { result } = renderHook(() => useChannelEvents('bad channel!'), { wrapper: fx.wrapper });
    await waitFor(() => result.current.status === 'error');
    expect(result.current.error?.code).toBe('ERR_BAD_CHANNEL');
  });

  it('a null channel subscribes to nothing', async () => {
    fx = await startFixture();
    const { result } = renderHook(() => useChannelEvents(null), { wrapper: fx.wrapper });
    expect(result.current.events).toEqual([]);
    expect(fx.client.stats().subscriptions).toBe(0);
  });
});
