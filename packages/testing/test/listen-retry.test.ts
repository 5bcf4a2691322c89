import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isAddressInUse, listenWithRetry } from '../src/listen-retry.js';

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(address !== null && typeof address === 'object' ? address.port : port);
    });
  });
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('listenWithRetry', () => {
  it('gets a port back once its previous holder lets go', async () => {
    const holder = createServer();
    const port = await listen(holder, 0);
    const next = createServer();
    let attempts = 0;
    const bound = listenWithRetry(
      () => {
        attempts += 1;
        if (attempts === 3) void closeServer(holder); // the old owner goes away while we retry
        return listen(next, port);
      },
      { delayMs: 20 },
    );
    await expect(bound).resolves.toBe(port);
    expect(attempts).toBeGreaterThanOrEqual(3);
    await closeServer(next);
  });

  it('gives up after the allowed attempts with the listen error', async () => {
    const holder = createServer();
    const port = await listen(holder, 0);
    const next = createServer();
    let attempts = 0;
    const error = await listenWithRetry(
      () => {
        attempts += 1;
        return listen(next, port);
      },
      { attempts: 3, delayMs: 5 },
    ).catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
    expect(attempts).toBe(3);
    await closeServer(holder);
  });

  it('does not retry other errors', async () => {
    let attempts = 0;
    const failure = listenWithRetry(() => {
      attempts += 1;
      return Promise.reject(new RangeError('port must be 0-65535'));
    });
    await expect(failure).rejects.toThrow(RangeError);
    expect(attempts).toBe(1);
  });

  it('recognises EADDRINUSE in a cause chain', () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    expect(isAddressInUse(new Error('wrapped', { cause: inUse }))).toBe(true);
    expect(isAddressInUse(new Error('other'))).toBe(false);
    expect(isAddressInUse('EADDRINUSE')).toBe(false);
  });
});
