import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFaultProxy, type FaultProxy, waitFor } from '../src/index.js';
import { connectClient, type EchoServer, startEchoServer, type TestClient } from './helpers/tcp.js';

/** Observation window for "nothing happens" checks; only ever used to look for absence, never presence. */
const QUIET_MS = 200;
const quiet = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));

describe('createFaultProxy over TCP', () => {
  let echo: EchoServer;
  let proxy: FaultProxy;
  const clients: TestClient[] = [];
  const open = async (allowHalfOpen = false) => {
    const client = await connectClient(proxy.port, allowHalfOpen);
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    echo = await startEchoServer();
    proxy = await createFaultProxy({ targetPort: echo.port });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.destroy();
    await proxy.close();
    await echo.close();
  });

  it('exposes its port and URLs', () => {
    expect(proxy.port).toBeGreaterThan(0);
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
    expect(proxy.wsUrl).toBe(`ws://127.0.0.1:${proxy.port}/v1/ws`);
  });

  it('forwards bytes both ways and counts connections', async () => {
    const client = await open();
    client.socket.write('hello');
    await waitFor(() => client.data() === 'hello');
    expect(echo.received()).toBe('hello');
    await waitFor(() => proxy.connectionCount() === 1);

    // Server-initiated bytes travel too.
    for (const socket of echo.sockets) socket.write('+push');
    await waitFor(() => client.data() === 'hello+push');
    expect(proxy.stats().bytesForwarded).toBeGreaterThanOrEqual(15);
  });

  it('passes a half-close through in order and then forgets the connection', async () => {
    const client = await open(true);
    client.socket.write('bye');
    client.socket.end();
    await waitFor(() => client.ended() && client.data() === 'bye');
    client.socket.end();
    await waitFor(() => client.closed());
    await waitFor(() => proxy.connectionCount() === 0);
  });

  it('cutAll closes every client and server socket', async () => {
    const a = await open();
    const b = await open();
    await waitFor(() => echo.sockets.size === 2 && proxy.connectionCount() === 2);

    proxy.cutAll();

    await waitFor(() => a.closed() && b.closed());
    await waitFor(() => echo.sockets.size === 0);
    await waitFor(() => proxy.connectionCount() === 0);
    // The proxy still accepts new connections afterwards.
    const c = await open();
    c.socket.write('again');
    await waitFor(() => c.data() === 'again');
  });

  it('blackhole drops bytes both ways without closing, then forwards new data', async () => {
    const client = await open();
    client.socket.write('before');
    await waitFor(() => client.data() === 'before');

    proxy.blackhole(true);
    client.socket.write('lost-up');
    for (const socket of echo.sockets) socket.write('lost-down');
    await waitFor(() => proxy.stats().bytesDropped === 'lost-up'.length + 'lost-down'.length);
    await quiet();
    expect(client.data()).toBe('before');
    expect(echo.received()).toBe('before');
    expect(client.closed()).toBe(false);
    expect(client.ended()).toBe(false);
    expect(proxy.connectionCount()).toBe(1);

    proxy.blackhole(false);
    client.socket.write('after');
    await waitFor(() => client.data() === 'beforeafter');
    expect(echo.received()).toBe('beforeafter');
  });

  it('blackhole hides a peer closing, and the connection dies once the hole closes', async () => {
    const client = await open();
    await waitFor(() => echo.sockets.size === 1);
    proxy.blackhole(true);
    for (const socket of echo.sockets) socket.destroy();
    await waitFor(() => echo.sockets.size === 0);
    await quiet();
    expect(client.closed()).toBe(false);
    expect(client.ended()).toBe(false);

    proxy.blackhole(false);
    await waitFor(() => client.closed());
    await waitFor(() => proxy.connectionCount() === 0);
  });

  it('blackhole also silences connections opened while it is on', async () => {
    proxy.blackhole(true);
    const client = await open();
    client.socket.write('hello?');
    await waitFor(() => proxy.stats().bytesDropped === 'hello?'.length);
    await quiet();
    expect(client.data()).toBe('');
    expect(client.closed()).toBe(false);
    expect(echo.received()).toBe('');

    proxy.blackhole(false);
    client.socket.write('now');
    await waitFor(() => client.data() === 'now');
  });

  it('setLatency delays each direction by at least the configured time', async () => {
    const latencyMs = 150;
    const client = await open();
    proxy.setLatency(latencyMs);
    const sentAt = Date.now();
    client.socket.write('slow');
    await waitFor(() => client.data() === 'slow');
    const elapsed = (client.arrivedAt('slow') ?? 0) - sentAt;
    // One delay up and one down; a little tolerance for clock granularity. No upper bound on purpose.
    expect(elapsed).toBeGreaterThanOrEqual(2 * latencyMs - 10);

    proxy.setLatency(0);
    client.socket.write('fast');
    await waitFor(() => client.data() === 'slowfast');
  });

  it('setLatency keeps order per direction even when the latency drops mid-flight', async () => {
    const client = await open();
    proxy.setLatency(300);
    client.socket.write('a');
    client.socket.write('b');
    await waitFor(() => proxy.stats().bytesDelayed === 2);
    expect(echo.received()).toBe('');
    proxy.setLatency(0);
    client.socket.write('c');
    await waitFor(() => client.data().length === 3);
    expect(client.data()).toBe('abc');
    expect(echo.received()).toBe('abc');
  });

  it('blackhole also drops bytes that were delayed when it opened', async () => {
    const client = await open();
    proxy.setLatency(150);
    client.socket.write('x');
    await waitFor(() => proxy.stats().bytesDelayed === 1);
    proxy.blackhole(true);
    await waitFor(() => proxy.stats().bytesDropped === 1 && proxy.stats().bytesDelayed === 0);

    proxy.blackhole(false);
    proxy.setLatency(0);
    client.socket.write('y');
    await waitFor(() => client.data().includes('y'));
    expect(client.data()).toBe('y');
    expect(echo.received()).toBe('y');
  });

  it('passes backpressure on to the sender instead of buffering a slow reader', async () => {
    const total = 32 * 1024 * 1024;
    const payload = Buffer.alloc(total);
    for (let i = 0; i < total; i += 4) payload.writeUInt32LE(i, i);
    const client = await open();
    client.socket.pause();
    await waitFor(() => echo.sockets.size === 1);
    const [serverSide] = echo.sockets;
    serverSide?.write(payload);

    // Wait until forwarding stalls; with backpressure it stalls well short of the total.
    let previous = -1;
    await waitFor(
      async () => {
        const now = proxy.stats().bytesForwarded;
        const stalled = now === previous && now > 0;
        previous = now;
        if (!stalled) await new Promise((resolve) => setTimeout(resolve, 100));
        return stalled;
      },
      { timeoutMs: 20_000 },
    );
    expect(proxy.stats().bytesForwarded).toBeLessThan(total);
    expect(serverSide?.writableLength).toBeGreaterThan(0);

    const chunks: Buffer[] = [];
    let received = 0;
    client.socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    client.socket.resume();
    await waitFor(() => received >= total, { timeoutMs: 20_000 });
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
  });

  it('setLatency rejects a negative delay', () => {
    expect(() => proxy.setLatency(-1)).toThrow(RangeError);
  });

  it('refuseNew closes new connections at once while open ones keep working', async () => {
    const existing = await open();
    await waitFor(() => proxy.connectionCount() === 1);

    proxy.refuseNew(true);
    const refused = await open();
    await waitFor(() => refused.closed());
    expect(refused.data()).toBe('');
    expect(proxy.stats().refused).toBe(1);
    expect(proxy.connectionCount()).toBe(1);

    existing.socket.write('still-here');
    await waitFor(() => existing.data() === 'still-here');

    proxy.refuseNew(false);
    const fresh = await open();
    fresh.socket.write('welcome');
    await waitFor(() => fresh.data() === 'welcome');
  });

  it('survives clients that reset their connection', async () => {
    const client = await open();
    client.socket.write('x');
    await waitFor(() => client.data() === 'x');
    client.socket.resetAndDestroy();
    await waitFor(() => proxy.connectionCount() === 0);
    await waitFor(() => echo.sockets.size === 0);
  });

  it('close is idempotent, ends every connection and stops listening', async () => {
    const client = await open();
    proxy.setLatency(1000); // leaves a delayed chunk (and its timer) pending at close
    client.socket.write('pending');
    await waitFor(() => proxy.stats().bytesDelayed === 'pending'.length);

    await Promise.all([proxy.close(), proxy.close()]);
    await proxy.close();

    await waitFor(() => client.closed());
    await waitFor(() => echo.sockets.size === 0);
    expect(proxy.connectionCount()).toBe(0);
    expect(proxy.stats().bytesDelayed).toBe(0);
    expect(echo.received()).toBe('');
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const probe = connect({ host: '127.0.0.1', port: proxy.port });
      probe.on('error', resolve);
      probe.on('connect', () => {
        probe.destroy();
        resolve(new Error('connected') as NodeJS.ErrnoException);
      });
    });
    expect(error.code).toBe('ECONNREFUSED');
  });
});

describe('createFaultProxy with an unreachable target', () => {
  it('closes the client instead of crashing', async () => {
    const echo = await startEchoServer();
    const port = echo.port;
    await echo.close(); // nothing listens on `port` any more
    const proxy = await createFaultProxy({ targetPort: port });
    try {
      const client = await connectClient(proxy.port);
      await waitFor(() => client.closed());
      await waitFor(() => proxy.connectionCount() === 0);
    } finally {
      await proxy.close();
    }
  });
});

describe('createFaultProxy resources', () => {
  /** Handles that a proxy, its sockets or its delay timers could leak. */
  const leakable = () =>
    process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP') || name === 'Timeout').length;

  it('leaves no open handles after close', async () => {
    const echo = await startEchoServer();
    const baseline = leakable();
    const proxy = await createFaultProxy({ targetPort: echo.port });
    const client = await connectClient(proxy.port);
    proxy.setLatency(5_000); // a delayed chunk keeps a timer alive until close
    client.socket.write('in-flight');
    await waitFor(() => proxy.stats().bytesDelayed === 'in-flight'.length);
    expect(leakable()).toBeGreaterThan(baseline);

    await proxy.close();
    await waitFor(() => client.closed() && echo.sockets.size === 0);
    await waitFor(() => leakable() <= baseline, {
      message: `handles left: ${process.getActiveResourcesInfo()}`,
    });
    await echo.close();
  });
});
