// @vitest-environment jsdom
import { frameScheduler, notifyBatcher } from '@herald/client/store';
import { collectionOps, jobOps, type PublishInput } from '@herald/protocol';
import { render, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useChannelState } from '../src/hooks/use-channel-state.js';
import { useCollection } from '../src/hooks/use-collection.js';
import { useJobOutput } from '../src/hooks/use-job-output.js';
import { waitFor } from './helpers.js';
import { type StateFixture, startStateFixture } from './state-fixture.js';

let fx: StateFixture | undefined;
afterEach(async () => {
  notifyBatcher.setScheduler(frameScheduler);
  await fx?.close();
  fx = undefined;
});

let renders = 0;
/** Shows the streamed output, counting its renders. */
function Output() {
  const text = useJobOutput('job:out', 'lyrics');
  renders++;
  return <pre data-testid="out">{text}</pre>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('useJobOutput against a real hub', () => {
  it('at 200 appends/s renders at most once per animation frame and ends with the publisher’s exact text', async () => {
    fx = await startStateFixture();
    // Count the frames the batcher asks for (a 16 ms frame, as without requestAnimationFrame).
    let frames = 0;
    notifyBatcher.setScheduler((cb) => {
      frames++;
      setTimeout(cb, 16);
    });
    renders = 0;
    await fx.publish('job:out', jobOps.create());
    render(
      <fx.wrapper>
        <Output />
      </fx.wrapper>,
    );
    await waitFor(() => fx!.client.stats().subscriptions === 1 && renders > 0);
    await sleep(100);
    const rendersBefore = renders;
    const framesBefore = frames;
    let expected = '';
    // 200 appends in one second, one event each, as an LLM streams tokens.
    for (let i = 0; i < 200; i++) {
      const token = `t${i} `;
      expected += token;
      await fx.publish('job:out', jobOps.append('lyrics', token));
      await sleep(5);
    }
    const out = () => document.querySelector('[data-testid="out"]')?.textContent;
    await waitFor(() => out() === expected);
    const streamRenders = renders - rendersBefore;
    const streamFrames = frames - framesBefore;
    expect(streamRenders).toBeGreaterThan(1);
    expect(streamRenders).toBeLessThanOrEqual(streamFrames);
    expect(streamRenders).toBeLessThan(100); // far fewer than the 200 appends
  });

  it('a late joiner gets a 20,000-append output whole, identical to what was published', async () => {
    fx = await startStateFixture();
    await fx.publish('job:long', jobOps.create());
    let expected = '';
    let batch: PublishInput[] = [];
    for (let i = 0; i < 20_000; i++) {
      const token = `w${i % 97}${i % 3 === 0 ? '\n' : ' '}`;
      expected += token;
      batch.push({ type: 'token', data: null, state: jobOps.append('lyrics', token) });
      if (batch.length === 100) {
        await fx.hub.publish('job:long', batch);
        batch = [];
      }
    }
    const { result } = renderHook(() => useJobOutput('job:long', 'lyrics'), { wrapper: fx.wrapper });
    await waitFor(() => result.current.length === expected.length, { timeoutMs: 20_000 });
    expect(result.current).toBe(expected);
  }, 60_000);
});

describe('useChannelState and useCollection against a real hub', () => {
  it('useChannelState holds any state document with its position', async () => {
    fx = await startStateFixture();
    await fx.publish('count:1', [{ op: 'increment', path: '/n', value: 2 }]);
    const { result } = renderHook(() => useChannelState<{ n?: number }>('count:1'), { wrapper: fx.wrapper });
    await waitFor(() => result.current.status === 'live');
    expect(result.current).toMatchObject({ state: { n: 2 }, seq: 1, error: null });
    await fx.publish('count:1', [{ op: 'increment', path: '/n', value: 3 }]);
    await waitFor(() => result.current.seq === 2);
    expect(result.current.state.n).toBe(5);
    const none = renderHook(() => useChannelState(null), { wrapper: fx.wrapper });
    expect(none.result.current).toMatchObject({ state: {}, seq: 0, status: 'loading' });
  });

  it('useCollection lists entries in key order, updates per key and hides an entry when its TTL passes', async () => {
    fx = await startStateFixture();
    await fx.publish('runs', collectionOps.set('r1', { title: 'one', status: 'running' }));
    await fx.publish('runs', collectionOps.set('r2', { title: 'two', status: 'queued' }, { ttlMs: 1500 }));
    const { result } = renderHook(() => useCollection<{ title: string; status: string }>('runs'), {
      wrapper: fx.wrapper,
    });
    await waitFor(() => !result.current.loading && result.current.entries.length === 2);
    expect(result.current.entries.map((e) => e.key)).toEqual(['r1', 'r2']);
    expect(result.current.nextExpiryAt).not.toBeNull();
    await fx.publish(
      'runs',
      collectionOps.update('r1', [{ op: 'replace', path: '/status', value: 'completed' }]),
    );
    await waitFor(() => result.current.entries[0]?.value.status === 'completed');
    await fx.publish('runs', collectionOps.set('r3', { title: 'three', status: 'queued' }));
    await waitFor(() => result.current.entries.length === 3);
    // No event needed: the hook re-reads the collection when r2's expiry passes.
    await waitFor(() => result.current.entries.every((e) => e.key !== 'r2'), { timeoutMs: 5000 });
    expect(result.current.entries.map((e) => e.key)).toEqual(['r1', 'r3']);
    await fx.publish('runs', collectionOps.remove('r1'));
    await waitFor(() => result.current.entries.length === 1);
    expect(result.current.entries[0]?.key).toBe('r3');
  });
});
