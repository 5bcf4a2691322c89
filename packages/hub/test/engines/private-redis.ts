import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort, waitForPort } from '@herald/testing';

/**
 * A `redis-server` of a test's (or the bench's) own on a free port, in memory only (no RDB, no AOF); the machine's shared
 * Redis is never touched. Killed by `stop()` or, at the latest, when the orchestrator exits.
 */
export async function startPrivateRedis(): Promise<{
  url: string;
  keyPrefix: string;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  let proc: ChildProcess | null = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const spawned = proc;
  const kill = (): void => {
    spawned.kill('SIGKILL');
  };
  process.on('exit', kill);
  const failed = new Promise<never>((_, reject) => {
    spawned.once('error', (e) => reject(new Error(`redis-server: ${e.message}`)));
    spawned.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
  });
  const stop = async (): Promise<void> => {
    const p = proc;
    proc = null;
    process.off('exit', kill);
    if (p === null || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((resolve) => p.once('exit', resolve));
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await Promise.race([waitForPort(port, 10_000), failed]);
  } catch (error) {
    await stop();
    throw error;
  }
  failed.catch(() => {});
  return { url: `redis://127.0.0.1:${port}`, keyPrefix: `hb${randomBytes(4).toString('hex')}:`, stop };
}
