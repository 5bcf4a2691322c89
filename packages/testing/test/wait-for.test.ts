import { describe, expect, it } from 'vitest';
import { waitFor } from '../src/index.js';

describe('waitFor', () => {
  it('resolves with the first truthy result', async () => {
    let calls = 0;
    const result = await waitFor(() => {
      calls += 1;
      return calls >= 3 ? { calls } : null;
    });
    expect(result).toEqual({ calls: 3 });
  });

  it('awaits async callbacks', async () => {
    let calls = 0;
    const result = await waitFor(async () => {
      calls += 1;
      return calls >= 2 ? 'ready' : '';
    });
    expect(result).toBe('ready');
  });

  it('resolves an assertion callback once it stops throwing', async () => {
    let calls = 0;
    await waitFor(() => {
      calls += 1;
      expect(calls).toBeGreaterThanOrEqual(4);
    });
    expect(calls).toBe(4);
  });

  it('keeps waiting on false, null, 0 and empty string', async () => {
    const falsy = [false, null, 0, ''] as const;
    let calls = 0;
    const result = await waitFor(() => {
      calls += 1;
      return calls <= falsy.length ? falsy[calls - 1] : 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(5);
  });

  it('rejects with the last thrown error on timeout', async () => {
    let calls = 0;
    const failure = waitFor(
      () => {
        calls += 1;
        throw new Error(`attempt ${calls}`);
      },
      { timeoutMs: 100, intervalMs: 10 },
    );
    await expect(failure).rejects.toThrow(/^attempt \d+$/);
    expect(calls).toBeGreaterThan(1);
  });

  it('rejects with the given message, the last error as cause', async () => {
    const cause = new Error('not yet');
    const error = await waitFor(
      () => {
        throw cause;
      },
      { timeoutMs: 50, message: 'hub never came up' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('hub never came up: not yet');
    expect((error as Error).cause).toBe(cause);
  });

  it('rejects with a timeout message when the result stays falsy', async () => {
    await expect(waitFor(() => false, { timeoutMs: 50 })).rejects.toThrow(
      'waitFor timed out after 50 ms (last result: false)',
    );
  });

  it('gives up on an attempt that never settles', async () => {
    const never = new Promise<boolean>(() => {});
    await expect(waitFor(() => never, { timeoutMs: 50 })).rejects.toThrow(/never settled/);
  });
});
