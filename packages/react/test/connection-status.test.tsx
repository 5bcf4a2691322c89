// @vitest-environment jsdom
import { render, renderHook, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionStatus } from '../src/components/connection-status.js';
import { useChannelEvents } from '../src/hooks/use-channel-events.js';
import { useConnectionStatus } from '../src/hooks/use-connection-status.js';
import { type Fixture, startFixture, waitFor } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** Keeps the connection open: the client is lazy and connects on the first subscription. */
function Subscriber() {
  useChannelEvents('run:status');
  return null;
}

// Injected randomness (not timers): backoff jitter lands near its ceiling, so the delay is predictable.
const nearCeiling = { random: () => 0.99 };

describe('useConnectionStatus', () => {
  it('reports connected with transport and lastConnectedAt', async () => {
    fx = await startFixture();
    const { result } = renderHook(
      () => {
        useChannelEvents('run:status');
        return useConnectionStatus();
      },
      { wrapper: fx.wrapper },
    );
    await waitFor(() => result.current.isConnected);
    expect(result.current.state).toBe('connected');
    expect(result.current.transport).toBe('websocket');
    expect(result.current.lastConnectedAt).not.toBeNull();
    expect(result.current.countdown).toBeNull();
  });

  it('counts down to the next retry while reconnecting', async () => {
    // A long delay keeps the countdown well above zero however slowly a loaded machine reaches the checks.
    fx = await startFixture({ backoff: { initialMs: 20_000, maxMs: 20_000 }, environment: nearCeiling });
    const { result } = renderHook(
      () => {
        useChannelEvents('run:status');
        return useConnectionStatus();
      },
      { wrapper: fx.wrapper },
    );
    await waitFor(() => result.current.isConnected);
    await fx.stopHub();
    // The hub's drain asks for a quick first retry; once that fails, the 20 s backoff applies.
    await waitFor(() => result.current.state === 'reconnecting' && result.current.attempt >= 2, {
      timeoutMs: 10_000,
    });
    expect(result.current.lastError).not.toBeNull();
    const first = result.current.countdown;
    const nextRetryAt = result.current.nextRetryAt;
    expect(nextRetryAt).not.toBeNull();
    expect(first).toBeGreaterThanOrEqual(1);
    expect(first).toBeLessThanOrEqual(20);
    // The countdown is the whole seconds left until the scheduled retry (one tick of slack either way).
    const secondsLeft = Math.ceil(((nextRetryAt ?? 0) - Date.now()) / 1000);
    expect(Math.abs((first ?? 0) - secondsLeft)).toBeLessThanOrEqual(1);
    // The countdown ticks by itself: wait until it has dropped by at least one second.
    await waitFor(() => result.current.countdown !== null && result.current.countdown < (first ?? 0), {
      timeoutMs: 3000,
    });
  });
});

describe('<ConnectionStatus/>', () => {
  it('shows Connected, then Reconnecting with a countdown, then Connected again when the hub returns', async () => {
    fx = await startFixture({ backoff: { initialMs: 3000, maxMs: 3000 }, environment: nearCeiling });
    render(
      <fx.wrapper>
        <Subscriber />
        <ConnectionStatus />
      </fx.wrapper>,
    );
    await screen.findByText('Connected', undefined, { timeout: 10_000 });
    expect(screen.getByRole('status').textContent).toBe('Connection status: Connected');

    await fx.stopHub();
    await screen.findByText(/^Reconnecting in [1-3]s$/, undefined, { timeout: 10_000 });
    expect(screen.getByRole('status').textContent).toBe('Connection status: Reconnecting');
    expect(screen.getByRole('button', { name: /Reconnect now/ })).toBeTruthy();

    await fx.startHubAgain();
    await screen.findByText('Connected', undefined, { timeout: 15_000 });
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('clicking the badge reconnects immediately instead of waiting for the backoff', async () => {
    // The next automatic retry is ~30 s away, far beyond the wait below.
    fx = await startFixture({ backoff: { initialMs: 30_000, maxMs: 30_000 }, environment: nearCeiling });
    render(
      <fx.wrapper>
        <Subscriber />
        <ConnectionStatus />
      </fx.wrapper>,
    );
    await screen.findByText('Connected', undefined, { timeout: 10_000 });
    await fx.stopHub();
    await screen.findByText(/^Reconnecting in \d+s$/, undefined, { timeout: 10_000 });
    await fx.startHubAgain();
    await userEvent.setup().click(screen.getByRole('button', { name: /Reconnect now/ }));
    await screen.findByText('Connected', undefined, { timeout: 8000 });
    expect(fx.hub.connectionCount()).toBe(1);
  });

  it('compact variant shows a Live pill', async () => {
    fx = await startFixture();
    const { container } = render(
      <fx.wrapper>
        <Subscriber />
        <ConnectionStatus compact />
      </fx.wrapper>,
    );
    await screen.findByText('Live', undefined, { timeout: 10_000 });
    expect(container.querySelector('.herald-connection--compact')).not.toBeNull();
    expect(container.querySelector('.herald-connection')?.getAttribute('data-state')).toBe('connected');
  });

  it('shows a Polling tag when the client falls back to polling', async () => {
    fx = await startFixture({ transports: ['polling'] });
    render(
      <fx.wrapper>
        <Subscriber />
        <ConnectionStatus />
      </fx.wrapper>,
    );
    await screen.findByText('Polling', undefined, { timeout: 10_000 });
    expect(screen.getByText('Connected')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Connection status: Connected (polling)');
  });
});
