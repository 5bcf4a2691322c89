// @vitest-environment jsdom

import { jobOps } from '@herald/protocol';
import { render, screen } from '@testing-library/react';
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionStatus } from '../src/components/connection-status.js';
import { RealtimeErrorBoundary } from '../src/components/error-boundary.js';
import { EventLog } from '../src/components/event-log.js';
import { JobProgress } from '../src/components/job-progress.js';
import { Toaster } from '../src/components/toaster.js';
import { createToastStore } from '../src/toast-store.js';
import { type Fixture, startFixture, waitFor } from './helpers.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('accessibility (axe-core)', () => {
  it('components rendered with live data have no axe violations', async () => {
    fx = await startFixture();
    const toasts = createToastStore();
    toasts.notify({ kind: 'lost', title: 'Connection lost', description: 'Reconnecting…' });
    const { container } = render(
      <main>
        <fx.wrapper>
          <RealtimeErrorBoundary>
            <ConnectionStatus />
            <ConnectionStatus compact />
            <JobProgress channel="run:a11y" />
            <EventLog channel="run:a11y" />
            <Toaster store={toasts} />
          </RealtimeErrorBoundary>
        </fx.wrapper>
      </main>,
    );
    await screen.findByText('Connected');
    // Published once both components listen (subscribed: the job view is no longer busy), so the events
    // reach the job view and the log alike: a state subscriber and a history subscriber of one channel
    // share one client subscription, whose start the first of them decides.
    await waitFor(() => container.querySelector('.herald-job[aria-busy="false"]') !== null);
    await fx.hub.publish('run:a11y', [
      {
        type: 'job.create',
        data: {},
        state: [...jobOps.create({ plan: ['PLAN', 'VALIDATE'] }), ...jobOps.start()],
      },
      {
        type: 'job.step.end',
        data: { step: 'PLAN' },
        state: [...jobOps.stepStart('PLAN'), ...jobOps.stepEnd('PLAN', { durationMs: 10 })],
      },
      {
        type: 'job.fail',
        data: { step: 'VALIDATE' },
        state: [
          ...jobOps.stepStart('VALIDATE'),
          ...jobOps.stepEnd('VALIDATE', { status: 'failed', message: 'm' }),
          ...jobOps.fail({ code: 'c', message: 'm', recoverable: false }),
        ],
      },
    ]);
    await waitFor(() => container.querySelectorAll('[data-seq]').length === 3);
    await waitFor(() => container.querySelector('.herald-job[data-status="failed"]') !== null);
    await screen.findByText('Connected');
    const results = await axe.run(container, {
      // jsdom cannot compute colours; contrast is checked in the browser e2e suite.
      rules: { 'color-contrast': { enabled: false } },
    });
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)).toEqual([]);
  });
});
