// @vitest-environment jsdom
import type { PublishInput } from '@herald/protocol';
import { render, renderHook, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RunProgress } from '../src/components/run-progress.js';
import { useRunProgress } from '../src/hooks/use-run-progress.js';
import { MEATYMUSIC_NODES } from '../src/run-progress/types.js';
import { type Fixture, startFixture, waitFor } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const nodeEvent = (
  node: string,
  phase: 'start' | 'end' | 'fail',
  extra: Record<string, unknown> = {},
): PublishInput => ({
  type: `node.${phase}`,
  data: { run_id: 'r1', node, phase, ...extra },
});

/** The first half of a MeatyMusic run: PLAN..COMPOSE done, VALIDATE failed once, FIX ran, VALIDATE again. */
const FIRST_HALF: PublishInput[] = [
  { type: 'run.started', data: { run_id: 'r1', nodes: [...MEATYMUSIC_NODES] } },
  ...['PLAN', 'STYLE', 'LYRICS', 'PRODUCER', 'COMPOSE'].flatMap((n) => [
    nodeEvent(n, 'start'),
    nodeEvent(n, 'end', { duration_ms: 1500 }),
  ]),
  nodeEvent('VALIDATE', 'start'),
  nodeEvent('VALIDATE', 'fail', {
    duration_ms: 400,
    scores: { hook: 0.42 },
    issues: [{ code: 'weak_hook', message: 'Hook is weak', severity: 'warning' }],
  }),
  nodeEvent('FIX', 'start'),
  nodeEvent('FIX', 'end', { duration_ms: 800 }),
  nodeEvent('VALIDATE', 'start'),
];

describe('useRunProgress against a real hub', () => {
  it('reduces a published run (history, then live) into node states, scores and percent', async () => {
    fx = await startFixture();
    await fx.hub.publish('run:r1', FIRST_HALF);
    const { result } = renderHook(() => useRunProgress('run:r1'), { wrapper: fx.wrapper });
    await waitFor(() => result.current.lastSeq === FIRST_HALF.length);
    expect(result.current.status).toBe('running');
    expect(result.current.currentNode).toBe('VALIDATE');
    expect(result.current.nodesCompleted).toEqual(['PLAN', 'STYLE', 'LYRICS', 'PRODUCER', 'COMPOSE', 'FIX']);
    expect(result.current.nodesInProgress).toEqual(['VALIDATE']);
    expect(result.current.nodeStates.VALIDATE?.attempts).toBe(2);

    await fx.hub.publish('run:r1', [
      nodeEvent('VALIDATE', 'end', { duration_ms: 300, scores: { hook: 0.81 }, issues: [] }),
      ...['RENDER', 'REVIEW'].flatMap((n) => [
        nodeEvent(n, 'start'),
        nodeEvent(n, 'end', { duration_ms: 100 }),
      ]),
      { type: 'run.completed', data: { run_id: 'r1', status: 'succeeded', duration_ms: 12_000 } },
    ]);
    await waitFor(() => result.current.status === 'completed');
    expect(result.current.percent).toBe(100);
    expect(result.current.scores).toEqual({ hook: 0.81 });
    expect(result.current.issues).toEqual([]);
    expect(result.current.durationMs).toBe(12_000);
  });
});

describe('<RunProgress/>', () => {
  it('shows every pipeline node with text status, durations, the FIX loop and an accessible progress bar', async () => {
    fx = await startFixture();
    render(
      <fx.wrapper>
        <RunProgress channel="run:r2" />
      </fx.wrapper>,
    );
    const nodeRow = (name: string) => document.querySelector(`[data-node="${name}"]`) as HTMLElement;
    // Before any event: all nine nodes pending.
    expect(MEATYMUSIC_NODES.map((n) => nodeRow(n)?.getAttribute('data-status'))).toEqual(
      MEATYMUSIC_NODES.map(() => 'pending'),
    );
    expect(screen.getByText('Waiting to start')).toBeTruthy();

    await fx.hub.publish('run:r2', FIRST_HALF);
    await waitFor(() => nodeRow('VALIDATE').getAttribute('data-status') === 'running');
    expect(nodeRow('PLAN').textContent).toContain('Done');
    expect(nodeRow('PLAN').textContent).toContain('1.5 s');
    expect(nodeRow('VALIDATE').textContent).toContain('Running');
    expect(nodeRow('VALIDATE').textContent).toContain('run 2');
    expect(nodeRow('VALIDATE').getAttribute('aria-current')).toBe('step');
    expect(nodeRow('RENDER').textContent).toContain('Pending');
    const bar = screen.getByRole('progressbar');
    // 6 of 9 nodes done.
    expect(bar.getAttribute('aria-valuenow')).toBe('67');
    expect(screen.getByText('hook')).toBeTruthy();
    expect(screen.getByText(/VALIDATE: Hook is weak/)).toBeTruthy();

    await fx.hub.publish('run:r2', [nodeEvent('VALIDATE', 'fail', { error: 'Validator crashed' })]);
    await waitFor(() => nodeRow('VALIDATE').getAttribute('data-status') === 'failed');
    expect(nodeRow('VALIDATE').textContent).toContain('Failed');
    expect(screen.getByText(/Validator crashed/)).toBeTruthy();

    await fx.hub.publish('run:r2', [
      { type: 'run.completed', data: { run_id: 'r1', status: 'failed', duration_ms: 9000 } },
    ]);
    await waitFor(() => screen.queryByText('Failed', { selector: '.herald-run__status' }) !== null);
  });

  it('accepts a custom step list and shows video job progress', async () => {
    fx = await startFixture();
    render(
      <fx.wrapper>
        <RunProgress channel="generation:g1" steps={[]} title="Video" />
      </fx.wrapper>,
    );
    await fx.hub.publish('generation:g1', [
      { type: 'progress', data: { step: 'generating clips', clip: 2, total_clips: 4, percentage: 40 } },
    ]);
    await waitFor(() => screen.getByRole('progressbar').getAttribute('aria-valuenow') === '40');
    expect(screen.getByText('generating clips — clip 2 of 4')).toBeTruthy();
    await fx.hub.publish('generation:g1', [
      { type: 'completed', data: { url: 'https://x/final.mp4', duration_ms: 1000 } },
    ]);
    await waitFor(() => screen.getByRole('progressbar').getAttribute('aria-valuenow') === '100');
    expect(screen.getByText('Completed')).toBeTruthy();
  });
});
