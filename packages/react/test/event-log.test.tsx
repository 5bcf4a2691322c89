// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { Profiler } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog } from '../src/components/event-log.js';
import { type Fixture, publishMany, startFixture, waitFor } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const CHANNEL = 'run:log';

async function publishRun(fixture: Fixture): Promise<void> {
  await fixture.hub.publish(CHANNEL, [
    { type: 'run.started', data: { run_id: 'r1', nodes: ['PLAN', 'LYRICS', 'VALIDATE'] } },
    { type: 'node.start', data: { run_id: 'r1', node: 'PLAN', phase: 'start' } },
    { type: 'node.end', data: { run_id: 'r1', node: 'PLAN', phase: 'end', duration_ms: 1250 } },
    { type: 'node.start', data: { run_id: 'r1', node: 'LYRICS', phase: 'start' } },
    {
      type: 'node.fail',
      data: {
        run_id: 'r1',
        node: 'LYRICS',
        phase: 'fail',
        duration_ms: 300,
        issues: [{ code: 'x', message: 'bad', severity: 'error' }],
      },
    },
  ]);
}

const rowSeqs = (): string[] =>
  Array.from(document.querySelectorAll('[data-seq]')).map((row) => row.getAttribute('data-seq') ?? '');

describe('<EventLog/>', () => {
  it('renders rows (seq, time, type, node/phase, duration) newest last, with failures marked in text', async () => {
    fx = await startFixture();
    await publishRun(fx);
    render(
      <fx.wrapper>
        <EventLog channel={CHANNEL} />
      </fx.wrapper>,
    );
    await waitFor(() => rowSeqs().length === 5);
    expect(rowSeqs()).toEqual(['1', '2', '3', '4', '5']);
    const end = document.querySelector('[data-seq="3"]') as HTMLElement;
    expect(end.textContent).toContain('#3');
    expect(end.textContent).toContain('node.end');
    expect(end.textContent).toContain('PLAN · end');
    expect(end.textContent).toContain('1.3 s');
    expect(end.querySelector('time')?.getAttribute('dateTime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    const failed = document.querySelector('[data-seq="5"]') as HTMLElement;
    expect(within(failed).getByText('Failed')).toBeTruthy();
    expect(failed.className).toContain('herald-event-log__row--failure');
    expect(screen.getByText('5 events')).toBeTruthy();

    await fx.hub.publish(CHANNEL, [{ type: 'node.start', data: { node: 'VALIDATE', phase: 'start' } }]);
    await waitFor(() => rowSeqs().at(-1) === '6');
  });

  it('filters by type or node, and by failures only', async () => {
    fx = await startFixture();
    await publishRun(fx);
    render(
      <fx.wrapper>
        <EventLog channel={CHANNEL} />
      </fx.wrapper>,
    );
    await waitFor(() => rowSeqs().length === 5);
    const user = userEvent.setup();
    await user.type(screen.getByRole('searchbox', { name: 'Filter' }), 'lyrics');
    expect(rowSeqs()).toEqual(['4', '5']);
    expect(screen.getByText('2 of 5 events')).toBeTruthy();
    await user.clear(screen.getByRole('searchbox', { name: 'Filter' }));
    await user.type(screen.getByRole('searchbox', { name: 'Filter' }), 'node.end');
    expect(rowSeqs()).toEqual(['3']);
    await user.clear(screen.getByRole('searchbox', { name: 'Filter' }));
    await user.click(screen.getByRole('checkbox', { name: 'Failures only' }));
    expect(rowSeqs()).toEqual(['5']);
    await user.click(screen.getByRole('checkbox', { name: 'Failures only' }));
    await user.type(screen.getByRole('searchbox', { name: 'Filter' }), 'nothing-matches');
    expect(screen.getByText('No events match the filter')).toBeTruthy();
  });

  it('expands and collapses the details of a row with aria-expanded', async () => {
    fx = await startFixture();
    await publishRun(fx);
    render(
      <fx.wrapper>
        <EventLog channel={CHANNEL} />
      </fx.wrapper>,
    );
    await waitFor(() => rowSeqs().length === 5);
    const row = document.querySelector('[data-seq="5"]') as HTMLElement;
    const toggle = within(row).getByRole('button');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    const user = userEvent.setup();
    await user.click(toggle);
    const expanded = document.querySelector('[data-seq="5"]') as HTMLElement;
    expect(within(expanded).getByRole('button').getAttribute('aria-expanded')).toBe('true');
    const details = expanded.querySelector('pre');
    expect(details?.textContent).toContain('"severity": "error"');
    expect(within(expanded).getByRole('button').getAttribute('aria-controls')).toBe(details?.id);
    await user.keyboard('{Enter}');
    expect(document.querySelector('[data-seq="5"] pre')).toBeNull();
  });

  it('Clear empties the log and later events appear again', async () => {
    fx = await startFixture();
    await publishRun(fx);
    render(
      <fx.wrapper>
        <EventLog channel={CHANNEL} />
      </fx.wrapper>,
    );
    await waitFor(() => rowSeqs().length === 5);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Clear' }));
    expect(rowSeqs()).toEqual([]);
    expect(screen.getByText('No events yet')).toBeTruthy();
    await fx.hub.publish(CHANNEL, [{ type: 'node.end', data: { node: 'VALIDATE', phase: 'end' } }]);
    await waitFor(() => rowSeqs().join() === '6');
  });

  it('keeps at most `limit` events', async () => {
    fx = await startFixture();
    await publishRun(fx);
    render(
      <fx.wrapper>
        <EventLog channel={CHANNEL} limit={3} />
      </fx.wrapper>,
    );
    await waitFor(() => rowSeqs().join() === '3,4,5');
  });

  it('pauses auto-scroll when the user scrolls up and resumes with "Jump to latest"', async () => {
    fx = await startFixture();
    await publishRun(fx);
    render(
      <fx.wrapper>
        <EventLog channel={CHANNEL} />
      </fx.wrapper>,
    );
    await waitFor(() => rowSeqs().length === 5);
    const scroller = screen.getByRole('region', { name: 'Events, newest last' });
    expect(scroller.getAttribute('data-following')).toBe('true');
    expect(screen.queryByRole('button', { name: /Jump to latest/ })).toBeNull();

    // jsdom has no layout: give the scroll area real-looking dimensions, then scroll like a user would.
    let scrollTop = 1700;
    Object.defineProperty(scroller, 'scrollHeight', { configurable: true, get: () => 2000 });
    Object.defineProperty(scroller, 'clientHeight', { configurable: true, get: () => 300 });
    Object.defineProperty(scroller, 'scrollTop', {
      configurable: true,
      get: () => scrollTop,
      set: (v: number) => {
        scrollTop = v;
      },
    });
    act(() => {
      fireEvent.scroll(scroller);
    });
    expect(scroller.getAttribute('data-following')).toBe('true');
    scrollTop = 400;
    act(() => {
      fireEvent.scroll(scroller);
    });
    expect(scroller.getAttribute('data-following')).toBe('false');
    const jump = await screen.findByRole('button', { name: /Jump to latest/ });

    // New events do not pull the view down while paused.
    await fx.hub.publish(CHANNEL, [{ type: 'node.start', data: { node: 'VALIDATE', phase: 'start' } }]);
    await waitFor(() => scroller.getAttribute('data-last-seq') === '6');
    expect(scroller.getAttribute('data-following')).toBe('false');

    await userEvent.setup().click(jump);
    expect(scroller.getAttribute('data-following')).toBe('true');
    expect(screen.queryByRole('button', { name: /Jump to latest/ })).toBeNull();

    // Scrolling back to the bottom by hand also resumes following.
    scrollTop = 200;
    act(() => {
      fireEvent.scroll(scroller);
    });
    expect(scroller.getAttribute('data-following')).toBe('false');
    scrollTop = 1700;
    act(() => {
      fireEvent.scroll(scroller);
    });
    expect(scroller.getAttribute('data-following')).toBe('true');
  });

  it('virtualises: 1,500 events keep the newest 1,000 (the default cap) but render only a window of rows', async () => {
    fx = await startFixture();
    let commits = 0;
    render(
      <Profiler id="log" onRender={() => commits++}>
        <fx.wrapper>
          <EventLog channel="run:many" />
        </fx.wrapper>
      </Profiler>,
    );
    const scroller = screen.getByRole('region', { name: 'Events, newest last' });
    await waitFor(() => fx?.hub.stats().subscriptions === 1);
    const before = commits;
    await publishMany(fx.hub, 'run:many', 1500);
    await waitFor(() => scroller.getAttribute('data-last-seq') === '1500', { timeoutMs: 20_000 });
    expect(scroller.getAttribute('data-count')).toBe('1000');
    const rendered = rowSeqs().map(Number);
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(60);
    expect(Math.min(...rendered)).toBeGreaterThanOrEqual(501);
    // 1,500 events arrive in far fewer commits than events.
    expect(commits - before).toBeLessThan(100);
  });
});
