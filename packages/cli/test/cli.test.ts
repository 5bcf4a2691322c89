import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub } from '@herald/hub';
import type { SubscribedMessage } from '@herald/protocol';
import { http, publishMany, range, seqs, TestClient, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/main.js';
import { type CliProcess, capture, spawnCli, spawnServe, track } from './helpers/cli.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function wsUrl(url: string): string {
  return `${url.replace('http', 'ws')}/v1/ws`;
}

describe('herald serve: SIGTERM and restart on the same data', () => {
  it('drains with 1012, exits 0, and a resumed subscriber gets exactly the events published since', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-cli-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));

    const first = await spawnServe(['--data', dir]);
    track(cleanups, first.cli);
    expect(first.cli.stdout()).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+ \(open dev hub: no auth\)$/m);
    await publishMany(first.url, 'run:7', 20);
    const c1 = await TestClient.connect(wsUrl(first.url));
    cleanups.push(() => c1.close());
    const sub1 = (await c1.subscribe('run:7', { seq: 0 })) as SubscribedMessage;
    await waitFor(() => c1.events('run:7').length === 20);
    const last = c1.events('run:7').at(-1);
    expect(last?.seq).toBe(20);

    first.cli.kill('SIGTERM');
    expect(await first.cli.exited).toBe(0);
    const closed = await c1.closed();
    expect(closed.code).toBe(1012);
    expect(c1.messages.some((m) => m.type === 'drain')).toBe(true);

    const second = await spawnServe(['--data', dir]);
    track(cleanups, second.cli);
    // Published after the restart, before the subscriber comes back.
    await publishMany(second.url, 'run:7', 15, 20);
    const history = await http(`${second.url}/v1/channels/run:7/events?after=0&limit=1`);
    expect((history.body as { epoch: string }).epoch).toBe(sub1.epoch);

    const c2 = await TestClient.connect(wsUrl(second.url));
    cleanups.push(() => c2.close());
    const sub2 = (await c2.subscribe('run:7', { epoch: sub1.epoch, seq: 20 })) as SubscribedMessage;
    expect(sub2).toMatchObject({ recovered: true, epoch: sub1.epoch, lastSeq: 35 });
    await waitFor(() => c2.events('run:7').length === 15);
    await publishMany(second.url, 'run:7', 1, 35);
    await waitFor(() => c2.events('run:7').length === 16);
    expect(seqs(c2.events('run:7'))).toEqual(range(21, 36));
    expect(c2.events('run:7').map((e) => (e.data as { i: number }).i)).toEqual(range(20, 35));

    second.cli.kill('SIGTERM');
    expect(await second.cli.exited).toBe(0);
  });
});

/** The JSON lines a `herald tail` printed, parsed. */
function tailed(cli: CliProcess): { seq: number; data: unknown }[] {
  return cli
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { seq: number; data: unknown });
}

describe('herald tail across hub restarts', () => {
  it('resumes after a restart on the same --data and prints every event exactly once; --since replays', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-tail-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const first = await spawnServe(['--data', dir]);
    track(cleanups, first.cli);
    const port = new URL(first.url).port;

    const tail = track(cleanups, spawnCli(['tail', 'run:t', '--url', first.url]));
    await waitFor(() => tail.stderr().includes('subscribed to run:t'), { timeoutMs: 20_000 });
    await publishMany(first.url, 'run:t', 10);
    await waitFor(() => tailed(tail).length === 10, { timeoutMs: 20_000 });

    first.cli.kill('SIGTERM');
    expect(await first.cli.exited).toBe(0);
    await waitFor(() => tail.stderr().includes('reconnecting'), { timeoutMs: 20_000 });
    // Same port and data: published before tail is back, so it must replay them from its last seq.
    const second = track(cleanups, spawnCli(['serve', '--port', port, '--data', dir, '--log-level', 'warn']));
    await second.waitForOutput(/listening on/);
    await publishMany(first.url, 'run:t', 10, 10);
    await waitFor(() => tailed(tail).length >= 20, { timeoutMs: 20_000 });
    await publishMany(first.url, 'run:t', 5, 20);
    await waitFor(() => tailed(tail).length >= 25, { timeoutMs: 20_000 });
    expect(tailed(tail).map((e) => e.seq)).toEqual(range(1, 25));
    expect(tailed(tail).map((e) => (e.data as { i: number }).i)).toEqual(range(0, 24));
    expect(tail.stderr()).not.toContain('gap on');

    const history = track(cleanups, spawnCli(['tail', 'run:t', '--url', first.url, '--since', '20']));
    await waitFor(() => tailed(history).length >= 5, { timeoutMs: 20_000 });
    expect(tailed(history).map((e) => e.seq)).toEqual(range(21, 25));

    tail.kill('SIGINT');
    history.kill('SIGTERM');
    expect(await tail.exited).toBe(0);
    expect(await history.exited).toBe(0);
    second.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('reports a gap on stderr when a memory hub restarts with a new history, then keeps tailing', async () => {
    const first = await spawnServe(['--memory']);
    track(cleanups, first.cli);
    const port = new URL(first.url).port;
    const tail = track(cleanups, spawnCli(['tail', 'run:m', '--url', first.url]));
    await waitFor(() => tail.stderr().includes('subscribed to run:m'), { timeoutMs: 20_000 });
    await publishMany(first.url, 'run:m', 3);
    await waitFor(() => tailed(tail).length === 3, { timeoutMs: 20_000 });
    first.cli.kill('SIGTERM');
    expect(await first.cli.exited).toBe(0);
    const second = track(cleanups, spawnCli(['serve', '--port', port, '--memory', '--log-level', 'warn']));
    await second.waitForOutput(/listening on/);
    await waitFor(() => tail.stderr().includes('gap on run:m'), { timeoutMs: 20_000 });
    await publishMany(first.url, 'run:m', 2, 100);
    await waitFor(() => tailed(tail).length >= 5, { timeoutMs: 20_000 });
    expect(tailed(tail).map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 100, 101]);
    tail.kill('SIGTERM');
    expect(await tail.exited).toBe(0);
  });
});

describe('herald CLI errors and commands', () => {
  it('reports a port in use in one line and exits 1', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    const port = (blocker.address() as { port: number }).port;
    const { io, sink } = capture();
    expect(await runCli(['serve', '--port', String(port), '--memory', '--log-level', 'silent'], sink)).toBe(
      1,
    );
    expect(io.errLines).toEqual([`herald: port ${port} is already in use`]);
  });

  it('rejects bad flags, conflicting flags and unsafe hosts with one-line messages', async () => {
    const cases: [string[], number, RegExp][] = [
      [
        ['serve', '--data', 'x', '--memory'],
        2,
        /^herald: --data \(flag\) and --memory \(flag\) each choose a store: keep one of --data, --memory, --redis, --postgres or --nats$/,
      ],
      [['serve', '--port', 'eighty'], 2, /^herald: --port must be a number from 0 to 65535$/],
      [
        ['serve', '--host', '0.0.0.0', '--port', '0', '--memory'],
        1,
        /^herald: refusing to start on 0\.0\.0\.0 without auth/,
      ],
      [['serve', '--jwks', 'not a url'], 2, /^herald: --jwks must be a URL$/],
      [['frobnicate'], 2, /^herald: unknown command "frobnicate"/],
      [['publish', 'only-channel'], 2, /^herald: usage: herald publish/],
      [['publish', 'c', 't', '{not json'], 2, /^herald: JSON argument is not valid JSON$/],
      [['tail', 'c', '--since', '-1'], 2, /^herald: /],
      [['serve', '--drain-grace-ms', 'soon'], 2, /^herald: --drain-grace-ms must be a non-negative integer$/],
    ];
    for (const [args, code, re] of cases) {
      const { io, sink } = capture();
      expect(await runCli(args, sink), args.join(' ')).toBe(code);
      expect(io.errLines[0], args.join(' ')).toMatch(re);
    }
    // Through a real process: the exit code reaches the shell and no stack trace is printed.
    const bad = track(cleanups, spawnCli(['serve', '--bogus']));
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/^herald: .*--bogus.*\nusage: herald serve \[options\]/);
    expect(bad.stderr()).not.toMatch(/\n\s+at /);
  });

  it('publish prints the ack and tail prints live events as JSON lines', async () => {
    const hub = await startHub({
      port: 0,
      logger: false,
      auth: { publisherKeys: ['k1'], jwtSecret: 's3cret' },
    });
    cleanups.push(() => hub.close());
    const tail = track(cleanups, spawnCli(['tail', 'demo:1', '--url', hub.url, '--token', 'k1']));
    await waitFor(() => tail.stderr().includes('subscribed to demo:1'), { timeoutMs: 20_000 });
    const { io, sink } = capture();
    expect(
      await runCli(
        ['publish', 'demo:1', 'greeting', '{"hello":"world"}', '--url', hub.url, '--key', 'k1'],
        sink,
      ),
    ).toBe(0);
    expect(JSON.parse(io.outLines[0] ?? '')).toMatchObject({ channel: 'demo:1', seq: 1 });
    const line = await tail.waitForOutput(/^\{.*\}$/m);
    expect(JSON.parse(line[0])).toMatchObject({
      channel: 'demo:1',
      seq: 1,
      type: 'greeting',
      data: { hello: 'world' },
    });
    const denied = capture();
    expect(
      await runCli(['publish', 'demo:1', 't', '1', '--url', hub.url, '--key', 'wrong'], denied.sink),
    ).toBe(1);
    expect(denied.io.errLines[0]).toMatch(/^herald: ERR_UNAUTHORIZED/);
    // tail retries disconnects, but not credentials the hub refuses.
    const refused = capture();
    expect(await runCli(['tail', 'demo:1', '--url', hub.url, '--token', 'wrong'], refused.sink)).toBe(1);
    expect(refused.io.errLines.at(-1)).toMatch(/^herald: ERR_UNAUTHORIZED/);
    tail.kill('SIGINT');
    expect(await tail.exited).toBe(0);
  });

  it('--demo serves the dashboard folder and runs the simulator against the hub', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-demo-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>demo</title>');
    const { cli, url } = await spawnServe(['--memory', '--demo', '--static', dir]);
    track(cleanups, cli);
    expect((await http(`${url}/`)).text).toContain('<title>demo</title>');
    await waitFor(
      async () =>
        Number(/^herald_events_published_total (\d+)$/m.exec((await http(`${url}/metrics`)).text)?.[1]) > 0,
      { timeoutMs: 25_000, message: 'simulator published nothing' },
    );
    cli.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});
