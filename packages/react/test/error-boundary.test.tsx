// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RealtimeErrorBoundary } from '../src/components/error-boundary.js';

afterEach(cleanup);

let shouldThrow = true;
function Flaky() {
  if (shouldThrow) throw new Error('subscription refused');
  return <p>live again</p>;
}

describe('<RealtimeErrorBoundary/>', () => {
  it('shows the error with a Try again button that resets and re-renders the children', async () => {
    // React logs caught render errors; keep the test output clean.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    shouldThrow = true;
    const onError = vi.fn();
    const onReset = vi.fn(() => {
      shouldThrow = false;
    });
    render(
      <RealtimeErrorBoundary onReset={onReset} onError={onError}>
        <Flaky />
      </RealtimeErrorBoundary>,
    );
    expect(screen.getByRole('alert').textContent).toContain('subscription refused');
    expect(onError).toHaveBeenCalledTimes(1);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(onReset).toHaveBeenCalledTimes(1);
    expect(screen.getByText('live again')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    quiet.mockRestore();
  });

  it('renders a custom fallback function with reset', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    shouldThrow = true;
    render(
      <RealtimeErrorBoundary
        fallback={({ error, reset }) => (
          <button
            type="button"
            onClick={() => {
              shouldThrow = false;
              reset();
            }}
          >
            Retry after {error.message}
          </button>
        )}
      >
        <Flaky />
      </RealtimeErrorBoundary>,
    );
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry after subscription refused' }));
    expect(screen.getByText('live again')).toBeTruthy();
    quiet.mockRestore();
  });
});
