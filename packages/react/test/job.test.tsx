// @vitest-environment jsdom
import { jobOps } from '@herald/protocol';
import { render, renderHook, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { JobProgress } from '../src/components/job-progress.js';
import { useJob } from '../src/hooks/use-job.js';
import { waitFor } from './helpers.js';
import { type StateFixture, startStateFixture } from './state-fixture.js';

let fx: StateFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const PLAN = ['PLAN', 'DRAFT', 'CHECK', 'REPAIR', 'SHIP'];

/** A job part-way: PLAN and DRAFT done, CHECK failed once, REPAIR done, CHECK running again at 40 %. */
async function halfway(f: StateFixture, channel: string): Promise<void> {
  await f.publish(channel, jobOps.create({ plan: PLAN, at: '2026-12-01T10:00:00.000Z' }));
  await f.publish(channel, jobOps.start('2026-12-01T10:00:01.000Z'));
  for (const step of ['PLAN', 'DRAFT']) {
    await f.publish(channel, jobOps.stepStart(step));
    await f.publish(channel, jobOps.stepEnd(step, { durationMs: 1500 }));
  }
  await f.publish(channel, jobOps.stepStart('CHECK'));
  await f.publish(channel, jobOps.stepEnd('CHECK', { status: 'failed', message: 'too long' }));
  await f.publish(channel, jobOps.stepStart('REPAIR'));
  await f.publish(channel, jobOps.stepEnd('REPAIR'));
  await f.publish(channel, jobOps.stepStart('CHECK'));
  await f.publish(channel, jobOps.stepProgress('CHECK', 0.4, 'checking'));
}

describe('useJob against a real hub', () => {
  it('reads a job from the snapshot (late joiner) and follows its ops live', async () => {
    fx = await startStateFixture();
    await halfway(fx, 'job:a');
    const { result } = renderHook(() => useJob('job:a'), { wrapper: fx.wrapper });
    await waitFor(() => !result.current.loading && result.current.current?.name === 'CHECK');
    expect(result.current.job.status).toBe('running');
    expect(result.current.steps.map((s) => [s.name, s.status, s.attempt])).toEqual([
      ['PLAN', 'completed', 1],
      ['DRAFT', 'completed', 1],
      ['CHECK', 'running', 2],
      ['REPAIR', 'completed', 1],
      ['SHIP', 'pending', 0],
    ]);
    expect(result.current.progress).toBeCloseTo((1 + 1 + 0.4 + 1 + 0) / 5);
    expect(result.current.isDone).toBe(false);

    await fx.publish('job:a', jobOps.stepEnd('CHECK'));
    await fx.publish('job:a', jobOps.complete({ url: 'https://x/out' }));
    await waitFor(() => result.current.isDone);
    expect(result.current.progress).toBe(1);
    expect(result.current.job.result).toEqual({ url: 'https://x/out' });
  });

  it('onDone fires exactly once per job across re-renders, channel switches, a hub restart and snapshots', async () => {
    fx = await startStateFixture();
    const f = fx;
    await halfway(f, 'job:b');
    await f.publish('job:other', jobOps.create({ plan: ['X'] }));
    const done: string[] = [];
    const { result, rerender } = renderHook(
      ({ channel }: { channel: string }) =>
        useJob(channel, { onDone: (job) => done.push(`${channel}:${job.status}`) }),
      { wrapper: f.wrapper, initialProps: { channel: 'job:b' } },
    );
    await waitFor(() => !result.current.loading);
    await f.publish(
      'job:b',
      jobOps.fail({ code: 'CHECK_FAILED', message: 'still too long', recoverable: true }),
    );
    await waitFor(() => result.current.isDone);
    await waitFor(() => done.length === 1);
    rerender({ channel: 'job:b' });
    rerender({ channel: 'job:other' });
    await waitFor(() => !result.current.loading && result.current.steps[0]?.name === 'X');
    rerender({ channel: 'job:b' });
    await waitFor(() => result.current.isDone && result.current.job.error?.code === 'CHECK_FAILED');
    // A restart of the hub: the client reconnects and resumes (or takes a snapshot), the job is still done.
    await f.hub.restart();
    await waitFor(() => f.client.state === 'connected');
    await f.publish('job:b', jobOps.metadata('note', 'after restart'));
    await waitFor(() => result.current.job.metadata.note === 'after restart');
    expect(done).toEqual(['job:b:failed']);

    // The same channel publishes a new job (a new createdAt): that one is reported when it is done.
    await f.publish('job:b', jobOps.create({ plan: ['ONE'], at: '2026-12-02T00:00:00.000Z' }));
    await f.publish('job:b', jobOps.complete());
    await waitFor(() => done.length === 2);
    expect(done).toEqual(['job:b:failed', 'job:b:completed']);
  });
});

describe('<JobProgress/>', () => {
  it('shows exactly what useJob returns on the same channel: steps, attempts, progress bars, status and error', async () => {
    fx = await startStateFixture();
    await halfway(fx, 'job:c');
    const { result } = renderHook(() => useJob('job:c'), { wrapper: fx.wrapper });
    render(
      <fx.wrapper>
        <JobProgress channel="job:c" title="Song" />
      </fx.wrapper>,
    );
    const row = (name: string) => document.querySelector(`[data-step="${name}"]`) as HTMLElement;
    await waitFor(() => row('CHECK')?.getAttribute('data-status') === 'running');
    const rows = [...document.querySelectorAll('[data-step]')];
    expect(rows.map((r) => r.getAttribute('data-step'))).toEqual(result.current.steps.map((s) => s.name));
    expect(rows.map((r) => r.getAttribute('data-status'))).toEqual(result.current.steps.map((s) => s.status));
    expect(rows.map((r) => Number(r.getAttribute('data-attempt')))).toEqual(
      result.current.steps.map((s) => s.attempt),
    );
    const overall = screen.getByRole('progressbar', { name: 'Song: overall' });
    expect(overall.getAttribute('aria-valuenow')).toBe(String(Math.round(result.current.progress * 100)));
    expect(overall.getAttribute('aria-valuetext')).toBe(
      `${Math.round(result.current.progress * 100)}% running`,
    );
    expect(screen.getByRole('progressbar', { name: 'Song: CHECK' }).getAttribute('aria-valuenow')).toBe('40');
    expect(row('CHECK').textContent).toContain('attempt 2');
    expect(row('CHECK').getAttribute('aria-current')).toBe('step');
    expect(row('PLAN').textContent).toContain('Done');
    expect(row('PLAN').textContent).toContain('1.5 s');
    expect(row('SHIP').textContent).toContain('Pending');

    const eta = new Date(Date.now() + 90_000).toISOString();
    await fx.publish('job:c', jobOps.progress(0.7, { etaAt: eta, message: 'almost there' }));
    await waitFor(() => overall.getAttribute('aria-valuenow') === '70');
    expect(Math.round(result.current.progress * 100)).toBe(70);
    expect(document.querySelector('.herald-job__eta')?.textContent).toMatch(/^About 1 m (2\d|30) s left$/);
    expect(screen.getByText('almost there')).toBeTruthy();

    await fx.publish(
      'job:c',
      jobOps.fail({ code: 'SHIP_TIMEOUT', message: 'Upload timed out', recoverable: false }),
    );
    await waitFor(() => screen.queryByRole('alert') !== null);
    expect(screen.getByRole('alert').textContent).toContain('Upload timed out (SHIP_TIMEOUT)');
    expect(screen.getByText('Failed', { selector: '.herald-job__status' })).toBeTruthy();
    expect(result.current.job.status).toBe('failed');
    expect(overall.getAttribute('aria-valuenow')).toBe(String(Math.round(result.current.progress * 100)));
  });
});
