// @vitest-environment jsdom
import { jobOps } from '@herald/protocol';
import { act, cleanup, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { Highlight } from '../src/components/highlight.js';
import { LiveBadge } from '../src/components/live-badge.js';
import { useChannelEvents } from '../src/hooks/use-channel-events.js';
import { useChangedAt, useHighlight } from '../src/hooks/use-highlight.js';
import { type Fixture, startFixture, waitFor } from './helpers.js';
import { type StateFixture, startStateFixture } from './state-fixture.js';

let fx: Fixture | undefined;
let sx: StateFixture | undefined;
afterEach(async () => {
  cleanup();
  await fx?.close();
  await sx?.close();
  fx = sx = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A widget reading a channel's events, with its badge. */
function Widget() {
  useChannelEvents('feed:badge');
  return <LiveBadge channel="feed:badge" name="Activity feed" pulseMs={300} />;
}

/** Bumps the KPI rendered by {@link Kpi}. */
let bump: () => void = () => {};

/** A KPI value that highlights when it changes. */
function Kpi() {
  const [value, setValue] = useState(108);
  bump = () => setValue((v) => v + 1);
  const highlight = useHighlight(useChangedAt(value), { kind: 'updated', durationMs: 200 });
  return (
    <output data-testid="kpi" {...highlight.props}>
      {value}
    </output>
  );
}

describe('<LiveBadge> against a real hub', () => {
  it('says Live when connected and subscribed, pulses on a live event, and Stale while reconnecting', async () => {
    fx = await startFixture({ backoff: { initialMs: 50, maxMs: 100 } });
    await fx.hub.publish('feed:badge', [{ type: 'old', data: null }]);
    render(
      <fx.wrapper>
        <Widget />
      </fx.wrapper>,
    );
    const badge = screen.getByRole('status');
    await waitFor(() => badge.getAttribute('data-state') === 'live');
    expect(badge.textContent).toBe('●Activity feed: Live');
    // History is not an update.
    await sleep(50);
    expect(badge.hasAttribute('data-pulse')).toBe(false);

    await fx.hub.publish('feed:badge', [{ type: 'new', data: null }]);
    await waitFor(() => badge.hasAttribute('data-pulse'));
    await waitFor(() => !badge.hasAttribute('data-pulse'), { timeoutMs: 2000 });

    await fx.stopHub();
    await waitFor(() => badge.getAttribute('data-state') !== 'live');
    expect(['stale', 'offline']).toContain(badge.getAttribute('data-state'));
    expect(badge.textContent).toMatch(/Activity feed: (Stale|Offline)$/);
    await fx.startHubAgain();
    await waitFor(() => badge.getAttribute('data-state') === 'live', { timeoutMs: 15_000 });
  });

  it('reads a state channel: no pulse for the first snapshot, a pulse for each update after it', async () => {
    sx = await startStateFixture();
    await sx.publish('job:badge', jobOps.create());
    render(
      <sx.wrapper>
        <LiveBadge channel="job:badge" source="state" pulseMs={300} />
      </sx.wrapper>,
    );
    const badge = screen.getByRole('status');
    await waitFor(() => badge.getAttribute('data-state') === 'live');
    await sleep(100);
    expect(badge.hasAttribute('data-pulse')).toBe(false);
    await sx.publish('job:badge', jobOps.progress(0.5));
    await waitFor(() => badge.hasAttribute('data-pulse'));
    expect(sx.client.stats().subscriptions).toBe(1);
  });

  it('without a channel follows the connection alone', async () => {
    fx = await startFixture({ lazy: false });
    render(
      <fx.wrapper>
        <LiveBadge labels={{ live: 'Connected' }} />
      </fx.wrapper>,
    );
    const badge = screen.getByRole('status');
    await waitFor(() => badge.getAttribute('data-state') === 'live');
    expect(badge.textContent).toBe('●Connected');
  });
});

describe('highlights', () => {
  it('<Highlight> marks new content with the attribute, CSS variables and a text tag, then clears', async () => {
    // Changed 50 ms ago, so the delay is a real negative offset (at 0 ms elapsed it is written "0ms").
    const at = Date.now() - 50;
    render(
      <ul>
        <Highlight as="li" at={at} durationMs={400} data-testid="row">
          Goal created
        </Highlight>
        <Highlight as="li" at={null} data-testid="old">
          From history
        </Highlight>
      </ul>,
    );
    const row = screen.getByTestId('row');
    expect(row.tagName).toBe('LI');
    expect(row.getAttribute('data-herald-highlight')).toBe('new');
    expect(row.style.getPropertyValue('--herald-highlight-duration')).toBe('400ms');
    const delay = row.style.getPropertyValue('--herald-highlight-delay');
    expect(delay).toMatch(/^-\d+ms$/);
    expect(Number.parseInt(delay, 10)).toBeLessThanOrEqual(-50);
    expect(row.textContent).toBe('Goal createdNew');
    expect(screen.getByTestId('old').hasAttribute('data-herald-highlight')).toBe(false);
    await waitFor(() => !row.hasAttribute('data-herald-highlight'), { timeoutMs: 2000 });
    expect(row.textContent).toBe('Goal created');
    expect(row.getAttribute('style') ?? '').not.toContain('--herald-highlight');
  });

  it('useChangedAt + useHighlight mark a widget whose value changed, not its first value', async () => {
    render(<Kpi />);
    const kpi = screen.getByTestId('kpi');
    expect(kpi.hasAttribute('data-herald-highlight')).toBe(false);
    act(() => bump());
    expect(kpi.getAttribute('data-herald-highlight')).toBe('updated');
    expect(kpi.textContent).toBe('109');
    await waitFor(() => !kpi.hasAttribute('data-herald-highlight'), { timeoutMs: 2000 });
  });
});
