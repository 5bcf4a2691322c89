// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Toaster } from '../src/components/toaster.js';
import { useChannelEvents } from '../src/hooks/use-channel-events.js';
import { type ToastMessage, useConnectionToasts } from '../src/hooks/use-connection-toasts.js';
import { createToastStore, type ToastStore } from '../src/toast-store.js';
import { type Fixture, startFixture, waitFor } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  cleanup();
  await fx?.close();
  fx = undefined;
});

function Toasts({ notify, channel }: { notify: (t: ToastMessage) => void; channel?: string }) {
  useChannelEvents('run:toasts');
  useConnectionToasts(notify, { failingAfterAttempts: 3, channel: channel ?? null });
  return null;
}

describe('useConnectionToasts', () => {
  it('notifies lost, failing (after 3 attempts, once) and restored', async () => {
    fx = await startFixture({ backoff: { initialMs: 40, maxMs: 80 } });
    const toasts: ToastMessage[] = [];
    render(
      <fx.wrapper>
        <Toasts notify={(t) => toasts.push(t)} />
      </fx.wrapper>,
    );
    await waitFor(() => fx?.client.state === 'connected');
    expect(toasts).toEqual([]);
    await fx.stopHub();
    await waitFor(() => toasts.some((t) => t.kind === 'lost'));
    await waitFor(() => toasts.some((t) => t.kind === 'failing'));
    expect(fx.client.getStatus().attempt).toBeGreaterThanOrEqual(3);
    await fx.startHubAgain();
    await waitFor(() => toasts.some((t) => t.kind === 'restored'), { timeoutMs: 15_000 });
    expect(toasts.map((t) => t.kind)).toEqual(['lost', 'failing', 'restored']);
    expect(toasts[0]?.title).toBe('Connection lost');
  });

  it('notifies run completion and fatal failure on the given channel', async () => {
    fx = await startFixture();
    const toasts: ToastMessage[] = [];
    render(
      <fx.wrapper>
        <Toasts notify={(t) => toasts.push(t)} channel="run:t1" />
      </fx.wrapper>,
    );
    await waitFor(() => fx?.hub.stats().subscriptions === 2);
    await fx.hub.publish('run:t1', [
      { type: 'run.completed', data: { run_id: 't1', status: 'succeeded', duration_ms: 10 } },
      { type: 'error', data: { code: 'rate', message: 'slow down', recoverable: true } },
      { type: 'error', data: { code: 'crash', message: 'Encoder crashed', recoverable: false } },
    ]);
    await waitFor(() => toasts.length === 2);
    expect(toasts).toEqual([
      { kind: 'run-completed', title: 'Run completed' },
      { kind: 'run-failed', title: 'Run failed', description: 'Encoder crashed' },
    ]);
  });
});

describe('<Toaster/>', () => {
  function renderToaster(store: ToastStore, duration?: number) {
    return render(<Toaster store={store} {...(duration === undefined ? {} : { duration })} />);
  }

  it('stacks toasts in a polite live region and dismisses them with a button', async () => {
    const store = createToastStore();
    renderToaster(store);
    store.notify({ kind: 'lost', title: 'Connection lost', description: 'Reconnecting…' });
    store.notify({ kind: 'restored', title: 'Connection restored' });
    const region = await screen.findByRole('region', { name: 'Notifications' });
    const list = region.querySelector('[aria-live="polite"]') as HTMLElement;
    await waitFor(() => within(list).queryAllByRole('listitem').length === 2);
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.getAttribute('data-kind')),
    ).toEqual(['lost', 'restored']);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Dismiss: Connection lost' }));
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    expect(store.getSnapshot().map((t) => t.title)).toEqual(['Connection restored']);
  });

  it('dismisses toasts by itself after the duration', async () => {
    const store = createToastStore();
    renderToaster(store, 200);
    store.notify({ kind: 'run-completed', title: 'Run completed' });
    await screen.findByText('Run completed');
    await waitFor(() => screen.queryByText('Run completed') === null, { timeoutMs: 5000 });
    expect(store.getSnapshot()).toEqual([]);
  });
});
