// @vitest-environment jsdom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { Toaster as SonnerToaster, toast as sonnerToast } from 'sonner';
import { afterEach, describe, expect, it } from 'vitest';
import { Toaster } from '../src/components/toaster.js';
import { useChannelEvents } from '../src/hooks/use-channel-events.js';
import { type ToastMessage, useConnectionToasts } from '../src/hooks/use-connection-toasts.js';
import { useEventToasts } from '../src/hooks/use-event-toasts.js';
import { toastAdapter, toastLevel } from '../src/toast-adapter.js';
import { createToastStore } from '../src/toast-store.js';
import { type Fixture, startFixture, waitFor } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  act(() => {
    sonnerToast.dismiss();
  });
  cleanup();
  await fx?.close();
  fx = undefined;
});

interface Issue {
  readonly title: string;
  readonly severity: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Critical issues toast through `notify`; everything else on the channel does not. */
function IssueToasts({ notify }: { notify: (t: ToastMessage) => void }) {
  useChannelEvents('tenant:t1:activity');
  useEventToasts<Issue>('tenant:t1:activity', {
    match: (e) => e.type === 'issue.created' && e.data.severity === 'critical',
    render: (e) => ({
      title: `Critical issue: ${e.data.title}`,
      description: 'Goal at risk',
      level: 'error',
    }),
    notify,
  });
  return null;
}

/** Connection toasts through sonner, for a client that has a channel subscribed. */
function Connection() {
  useChannelEvents('run:sonner');
  useConnectionToasts(toastAdapter(sonnerToast));
  return null;
}

describe('toast adapters against a real hub', () => {
  it('useEventToasts shows matching live events through sonner itself (not history, not other events)', async () => {
    fx = await startFixture({ backoff: { initialMs: 50, maxMs: 100 } });
    await fx.hub.publish('tenant:t1:activity', [
      { type: 'issue.created', data: { title: 'Old outage', severity: 'critical' } },
    ]);
    const notify = toastAdapter(sonnerToast);
    render(
      <fx.wrapper>
        <SonnerToaster />
        <IssueToasts notify={notify} />
      </fx.wrapper>,
    );
    await waitFor(() => fx?.client.stats().subscriptions === 1);
    await sleep(100);
    await fx.hub.publish('tenant:t1:activity', [
      { type: 'issue.created', data: { title: 'Minor typo', severity: 'low' } },
      { type: 'goal.created', data: { title: 'Grow NRR', severity: 'critical' } },
      { type: 'issue.created', data: { title: 'SSO down', severity: 'critical' } },
    ]);
    const toast = await screen.findByText('Critical issue: SSO down', {}, { timeout: 5000 });
    const item = toast.closest('[data-sonner-toast]');
    expect(item).not.toBeNull();
    // sonner's error style (its `toast.error`), with the description.
    expect(item?.getAttribute('data-type')).toBe('error');
    expect(within(item as HTMLElement).getByText('Goal at risk')).toBeTruthy();
    expect(screen.queryByText(/Old outage/)).toBeNull();
    expect(screen.queryByText(/Minor typo|Grow NRR/)).toBeNull();
    expect(document.querySelectorAll('[data-sonner-toast]')).toHaveLength(1);
  });

  it('useConnectionToasts through the sonner adapter shows "Connection lost" as a warning', async () => {
    fx = await startFixture({ backoff: { initialMs: 50, maxMs: 100 } });
    render(
      <fx.wrapper>
        <SonnerToaster />
        <Connection />
      </fx.wrapper>,
    );
    await waitFor(() => fx?.client.state === 'connected');
    await fx.stopHub();
    const lost = await screen.findByText('Connection lost', {}, { timeout: 5000 });
    expect(lost.closest('[data-sonner-toast]')?.getAttribute('data-type')).toBe('warning');
    await fx.startHubAgain();
    const restored = await screen.findByText('Connection restored', {}, { timeout: 15_000 });
    expect(restored.closest('[data-sonner-toast]')?.getAttribute('data-type')).toBe('success');
  });

  it('the built-in Toaster shows event toasts with their level, one per key', async () => {
    fx = await startFixture();
    const store = createToastStore();
    render(
      <fx.wrapper>
        <IssueToasts notify={(t) => store.notify(t)} />
        <Toaster store={store} />
      </fx.wrapper>,
    );
    await waitFor(() => fx?.client.stats().subscriptions === 1);
    await sleep(100);
    await fx.hub.publish('tenant:t1:activity', [
      { type: 'issue.created', id: 'iss-1', data: { title: 'Billing halted', severity: 'critical' } },
    ]);
    const item = (await screen.findByText('Critical issue: Billing halted')).closest('li');
    expect(item?.getAttribute('data-kind')).toBe('event');
    expect(item?.getAttribute('data-level')).toBe('error');
    expect(item?.textContent).toContain('✖');
    const [shown] = store.getSnapshot();
    expect(shown).toMatchObject({ kind: 'event', level: 'error', key: 'tenant:t1:activity:iss-1' });
    // A second toast with the same key replaces the first.
    act(() => {
      store.notify({ kind: 'event', title: 'Billing back', key: 'tenant:t1:activity:iss-1' });
    });
    expect(store.getSnapshot().map((t) => t.title)).toEqual(['Billing back']);
  });

  it('toastLevel derives a level from the kind when the toast has none', () => {
    expect(toastLevel({ kind: 'lost', title: '' })).toBe('warning');
    expect(toastLevel({ kind: 'restored', title: '' })).toBe('success');
    expect(toastLevel({ kind: 'run-failed', title: '' })).toBe('error');
    expect(toastLevel({ kind: 'event', title: '' })).toBe('info');
    expect(toastLevel({ kind: 'event', title: '', level: 'warning' })).toBe('warning');
  });
});
