import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort, waitForPort } from '@herald/testing';

/**
 * A `redis-server` of a test's (or the bench's) own on a free port, in memory only (no RDB, no AOF); the machine's shared
 * Redis is never touched. Killed by `stop()` or, at the latest, when the orchestrator exits. `restart()` kills it
 * (SIGKILL) and starts a new one on the same port: with no persistence it comes back empty, as a Redis
 * without AOF does after a crash.
 */
export async function startPrivateRedis(): Promise<{
  url: string;
  keyPrefix: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const kill = (): void => {
    proc?.kill('SIGKILL');
  };
  process.on('exit', kill);

  const launch = async (): Promise<void> => {
    const spawned = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    proc = spawned;
    const failed = new Promise<never>((_, reject) => {
      spawned.once('error', (e) => reject(new Error(`redis-server: ${e.message}`)));
      spawned.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
    });
    failed.catch(() => {});
    await Promise.race([waitForPort(port, 10_000), failed]);
  };

  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const p = proc;
    proc = null;
    if (p === null || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((resolve) => p.once('exit', resolve));
    p.kill(signal);
    const timer = setTimeout(() => p.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };

  const stop = async (): Promise<void> => {
    process.off('exit', kill);
    await end('SIGTERM');
  };
  const restart = async (): Promise<void> => {
    await end('SIGKILL');
    await launch();
  };

  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    keyPrefix: `hb${randomBytes(4).toString('hex')}:`,
    restart,
    stop,
  };
}
