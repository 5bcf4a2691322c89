// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionStatus } from '../src/components/connection-status.js';
import { RealtimeErrorBoundary } from '../src/components/error-boundary.js';
import { EventLog } from '../src/components/event-log.js';
import { RunProgress } from '../src/components/run-progress.js';
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
    await fx.hub.publish('run:a11y', [
      { type: 'run.started', data: { run_id: 'a', nodes: ['PLAN', 'VALIDATE'] } },
      {
        type: 'node.end',
        data: { run_id: 'a', node: 'PLAN', phase: 'end', duration_ms: 10, scores: { hook: 0.5 } },
      },
      {
        type: 'node.fail',
        data: {
          run_id: 'a',
          node: 'VALIDATE',
          phase: 'fail',
          issues: [{ code: 'c', message: 'm', severity: 'error' }],
        },
      },
    ]);
    const toasts = createToastStore();
    toasts.notify({ kind: 'lost', title: 'Connection lost', description: 'Reconnecting…' });
    const { container } = render(
      <main>
        <fx.wrapper>
          <RealtimeErrorBoundary>
            <ConnectionStatus />
            <ConnectionStatus compact />
            <RunProgress channel="run:a11y" />
            <EventLog channel="run:a11y" />
            <Toaster store={toasts} />
          </RealtimeErrorBoundary>
        </fx.wrapper>
      </main>,
    );
    await waitFor(() => container.querySelectorAll('[data-seq]').length === 3);
    await screen.findByText('Connected');
    const results = await axe.run(container, {
      // jsdom cannot compute colours; contrast is checked in the browser e2e suite.
      rules: { 'color-contrast': { enabled: false } },
    });
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)).toEqual([]);
  });
});
