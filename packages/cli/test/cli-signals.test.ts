import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, http, portClosed, publishMany, waitFor } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function serve(port: number, level = 'info'): { child: ChildProcess; exited: Promise<number | null> } {
  // log-level info: the shutdown itself writes log lines, which is when a broken stderr used to bite.
  const args = ['serve', '--memory', '--port', String(port), '--log-level', level, '--log-format', 'json'];
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

const healthy = (url: string) => async () => (await http(`${url}/healthz`)).status === 200;

describe('herald serve: SIGTERM and SIGINT with stdout or stderr gone', () => {
  const cases: [string, (child: ChildProcess) => void, NodeJS.Signals][] = [
    ['stdout closed before the hub starts', (c) => c.stdout?.destroy(), 'SIGTERM'],
    ['stderr closed before the hub starts', (c) => c.stderr?.destroy(), 'SIGTERM'],
    [
      'stdout and stderr both closed',
      (c) => {
        c.stdout?.destroy();
        c.stderr?.destroy();
      },
      'SIGINT',
    ],
  ];
  for (const [name, close, signal] of cases) {
    it(`${name}: ${signal} exits 0 and the port closes`, async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const { child, exited } = serve(port);
      close(child);
      await waitFor(healthy(url), { timeoutMs: 20_000, message: 'hub did not start' });
      // Work that logs and writes while nobody reads.
      await publishMany(url, 'run:1', 5);
      child.kill(signal);
      expect(await exited).toBe(0);
      expect(await portClosed(url)).toBe(true);
    });
  }

  it('a reader that goes away after `listening on` does not keep the hub alive', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { child, exited } = serve(port);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await waitFor(() => out.includes('listening on'), { timeoutMs: 20_000 });
    child.stdout?.destroy();
    child.stderr?.destroy();
    await publishMany(url, 'run:1', 5);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await portClosed(url)).toBe(true);
  });
});

describe('herald serve: a stderr reader that stops reading', () => {
  it('neither stalls the hub nor its shutdown once the pipe is full', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // debug logs every connection, so connections fill the pipe (64 KiB on Linux) that nobody reads.
    const { child, exited } = serve(port, 'debug');
    child.stderr?.pause();
    await waitFor(healthy(url), { timeoutMs: 20_000, message: 'hub did not start' });
    for (let i = 0; i < 1200; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/ws`, 'herald.v1');
      await new Promise<void>((resolve) => {
        ws.on('open', () => ws.close());
        ws.on('close', () => resolve());
        ws.on('error', () => resolve());
      });
    }
    // Blocking log writes would have frozen the event loop by now.
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
