// @vitest-environment jsdom

import { getChannelStateStore } from '@herald/client/store';
import { jobOps } from '@herald/protocol';
import { cleanup, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Toaster } from '../src/components/toaster.js';
import { useChannelEvents } from '../src/hooks/use-channel-events.js';
import { type ToastMessage, useConnectionToasts } from '../src/hooks/use-connection-toasts.js';
import { createToastStore, type ToastStore } from '../src/toast-store.js';
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

  it('notifies the end of the job on the given channel once, and nothing for a job done before mount', async () => {
    sx = await startStateFixture();
    const toasts: ToastMessage[] = [];
    const Wrapper = sx.wrapper;
    const client = sx.client;
    const storeOf = (channel: string) => getChannelStateStore(client, channel);
    const live = (channel: string) => storeOf(channel).getSnapshot().status === 'live';
    await sx.publish('job:done-before', [...jobOps.create(), ...jobOps.complete()]);
    render(
      <Wrapper>
        <Toasts notify={(t) => toasts.push(t)} channel="job:done-before" />
      </Wrapper>,
    );
    await waitFor(() => live('job:done-before'));
    cleanup();
    await waitFor(() => sx?.hub.stats().subscriptions === 0);

    const seen = (channel: string) =>
      render(
        <Wrapper>
          <Toasts notify={(t) => toasts.push(t)} channel={channel} />
        </Wrapper>,
      );
    await sx.publish('job:t1', [...jobOps.create(), ...jobOps.start()]);
    seen('job:t1');
    await waitFor(() => live('job:t1')); // the hook has seen the job running
    await sx.publish('job:t1', jobOps.progress(0.5));
    await sx.publish('job:t1', jobOps.complete({ ok: true }));
    await waitFor(() => toasts.length === 1);
    await sx.publish('job:t1', jobOps.metadata('after', 1)); // still done: no second toast
    await waitFor(() => storeOf('job:t1').getSnapshot().seq === 4);
    cleanup();
    await waitFor(() => sx?.hub.stats().subscriptions === 0);

    await sx.publish('job:t2', [...jobOps.create(), ...jobOps.start()]);
    seen('job:t2');
    await waitFor(() => live('job:t2'));
    await sx.publish(
      'job:t2',
      jobOps.fail({ code: 'ENCODER', message: 'Encoder crashed', recoverable: false }),
    );
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
