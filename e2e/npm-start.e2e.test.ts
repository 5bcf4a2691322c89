import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portClosed } from '@herald/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/paths.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

/**
 * Runs `npm start` as a user would, in its own process group (as a terminal runs a job), on PORT=0 and a
 * temp data dir; resolves once it prints `listening on`.
 */
async function npmStart(): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const data = await mkdtemp(join(tmpdir(), 'herald-start-'));
  const child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HERALD_DATA: data, HERALD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.push(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      void rm(data, { recursive: true, force: true });
      resolve(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`npm start printed no "listening on": ${out}`)), 120_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  return { child, url, exited };
}

describe('npm start passes signals through', () => {
  it('SIGTERM to npm ends the hub too: exit 0, port closed, nothing orphaned', async () => {
    const { child, url, exited } = await npmStart();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await portClosed(url)).toBe(true);
  });

  it('Ctrl-C (SIGINT to the whole process group) ends the hub with exit 0', async () => {
    const { child, url, exited } = await npmStart();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    process.kill(-(child.pid as number), 'SIGINT');
    expect(await exited).toBe(0);
    expect(await portClosed(url)).toBe(true);
  });
});
