import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { freePort, portClosed, waitForPort } from '../src/index.js';

describe('ports', () => {
  it('finds a free port, waits for a listener on it, and tells when it is gone', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    expect(await portClosed(url)).toBe(true);
    await expect(waitForPort(port, 200)).rejects.toThrow(`nothing listens on 127.0.0.1:${port}`);

    const server = createServer((_req, res) => res.end('ok'));
    const waiting = waitForPort(port, 5_000);
    setTimeout(() => server.listen(port, '127.0.0.1'), 100);
    await waiting;
    expect(await portClosed(url)).toBe(false);

    server.closeAllConnections(); // the keep-alive socket of the fetch above
    await new Promise((resolve) => server.close(resolve));
    expect(await portClosed(url)).toBe(true);
  });
});
