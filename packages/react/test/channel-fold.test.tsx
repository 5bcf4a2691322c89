// @vitest-environment jsdom
import type { Envelope } from '@herald/protocol';
import { renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useChannelFold } from '../src/hooks/use-channel-fold.js';
import { type Fixture, publishMany, startFixture, waitFor } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** An app's own vocabulary: the sum of `n` over `tick` events. */
const sumTicks = (sum: number, event: Envelope<{ n: number }>) =>
  event.type === 'tick' ? sum + event.data.n : sum;

describe('useChannelFold against a real hub', () => {
  it('folds history and live events through the reducer, beyond the events buffer limit', async () => {
    fx = await startFixture();
    await publishMany(fx.hub, 'run:fold', 1200);
    const { result } = renderHook(() => useChannelFold('run:fold', sumTicks, 0), { wrapper: fx.wrapper });
    expect(result.current).toBe(0);
    await waitFor(() => result.current === (1200 * 1201) / 2);
    await fx.hub.publish('run:fold', [
      { type: 'other', data: { n: 1000 } },
      { type: 'tick', data: { n: 1 } },
    ]);
    await waitFor(() => result.current === (1200 * 1201) / 2 + 1);
  });

  it('hooks with the same reducer share one fold and one subscription; a null channel returns initial', async () => {
    fx = await startFixture();
    const { result } = renderHook(
      () => ({
        a: useChannelFold('run:shared', sumTicks, 0),
        b: useChannelFold('run:shared', sumTicks, 0),
        none: useChannelFold(null, sumTicks, 42),
      }),
      { wrapper: fx.wrapper },
    );
    await waitFor(() => fx?.client.stats().subscriptions === 1);
    await fx.hub.publish('run:shared', [{ type: 'tick', data: { n: 5 } }]);
    await waitFor(() => result.current.a === 5);
    expect(result.current.b).toBe(5);
    expect(result.current.none).toBe(42);
  });
});
