// @vitest-environment jsdom
import type { Envelope } from '@herald/protocol';
import { QueryClient } from '@tanstack/react-query';
import { renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useChannelEvents } from '../src/hooks/use-channel-events.js';
import { useEvent } from '../src/hooks/use-event.js';
import { useInvalidateOnEvent } from '../src/hooks/use-invalidate-on-event.js';
import { type Fixture, startFixture, waitFor } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('useEvent', () => {
  it('calls the handler for matching new events only (not history, not other types)', async () => {
    fx = await startFixture();
    await fx.hub.publish('tenant:t1:goals', [{ type: 'goal.created', data: { goal_id: 'old' } }]);
    const seen: string[] = [];
    const { result } = renderHook(
      () => {
        useEvent('tenant:t1:goals', 'goal.created', (e: Envelope) => seen.push(JSON.stringify(e.data)));
        return useChannelEvents('tenant:t1:goals');
      },
      { wrapper: fx.wrapper },
    );
    await waitFor(() => result.current.status === 'live' && result.current.events.length === 1);
    await fx.hub.publish('tenant:t1:goals', [
      { type: 'action.status_changed', data: { action_id: 'a1' } },
      { type: 'goal.created', data: { goal_id: 'new' } },
    ]);
    await waitFor(() => result.current.events.length === 3);
    expect(seen).toEqual(['{"goal_id":"new"}']);
  });

  it("'*' and type lists match; a new handler each render is used without resubscribing", async () => {
    fx = await startFixture();
    const all: string[] = [];
    const listed: string[] = [];
    const { rerender } = renderHook(
      ({ tag }: { tag: string }) => {
        useEvent('run:ev', '*', (e) => all.push(`${tag}:${e.type}`));
        useEvent('run:ev', ['a', 'c'], (e) => listed.push(e.type));
      },
      { wrapper: fx.wrapper, initialProps: { tag: 'first' } },
    );
    await waitFor(() => fx?.client.state === 'connected' && fx.hub.stats().subscriptions === 1);
    await fx.hub.publish('run:ev', [
      { type: 'a', data: null },
      { type: 'b', data: null },
    ]);
    await waitFor(() => all.length === 2);
    rerender({ tag: 'second' });
    await fx.hub.publish('run:ev', [{ type: 'c', data: null }]);
    await waitFor(() => all.length === 3);
    expect(all).toEqual(['first:a', 'first:b', 'second:c']);
    expect(listed).toEqual(['a', 'c']);
    expect(fx.hub.stats().subscriptions).toBe(1);
    expect(fx.client.stats().subscriptions).toBe(1);
  });
});

describe('useInvalidateOnEvent', () => {
  it('invalidates the query keys computed from a matching event, once per burst', async () => {
    fx = await startFixture();
    const queryClient = new QueryClient();
    queryClient.setQueryData(['goals', 'g1'], { title: 'Run a marathon' });
    queryClient.setQueryData(['goals', 'g2'], { title: 'Learn piano' });
    queryClient.setQueryData(['actions'], []);
    let calls = 0;
    const counting = {
      invalidateQueries: (filters: { queryKey: readonly unknown[] }) => {
        calls++;
        return queryClient.invalidateQueries(filters);
      },
    };
    renderHook(
      () =>
        useInvalidateOnEvent(counting, 'tenant:t1:goals', {
          types: ['goal.updated'],
          queryKeys: (event) => {
            const data = event.data as { goal_id: string };
            return [['goals', data.goal_id]];
          },
        }),
      { wrapper: fx.wrapper },
    );
    await waitFor(() => fx?.hub.stats().subscriptions === 1);
    await fx.hub.publish('tenant:t1:goals', [
      { type: 'goal.updated', data: { goal_id: 'g1' } },
      { type: 'goal.updated', data: { goal_id: 'g1' } },
      { type: 'goal.updated', data: { goal_id: 'g1' } },
      { type: 'action.created', data: { goal_id: 'g2' } },
    ]);
    await waitFor(() => queryClient.getQueryState(['goals', 'g1'])?.isInvalidated === true);
    expect(queryClient.getQueryState(['goals', 'g2'])?.isInvalidated).toBe(false);
    expect(queryClient.getQueryState(['actions'])?.isInvalidated).toBe(false);
    // Three events for the same key in one burst → one invalidation.
    expect(calls).toBe(1);
    queryClient.clear();
  });

  it('accepts a fixed key list', async () => {
    fx = await startFixture();
    const queryClient = new QueryClient();
    queryClient.setQueryData(['actions'], []);
    renderHook(() => useInvalidateOnEvent(queryClient, 'tenant:t1:actions', { queryKeys: [['actions']] }), {
      wrapper: fx.wrapper,
    });
    await waitFor(() => fx?.hub.stats().subscriptions === 1);
    await fx.hub.publish('tenant:t1:actions', [{ type: 'action.created', data: {} }]);
    await waitFor(() => queryClient.getQueryState(['actions'])?.isInvalidated === true);
    queryClient.clear();
  });
});
