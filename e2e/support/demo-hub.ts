import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

/** A `herald serve --demo` process started the way `npm start` does, on a free port and a temp data dir. */
export interface DemoHub {
  /** `http://127.0.0.1:PORT`, parsed from the `listening on` line. */
  readonly url: string;
  /** Stops the hub (SIGTERM, then SIGKILL after 10 s) and removes its data dir. Idempotent. */
  stop(): Promise<void>;
}

/** Options for {@link startDemoHub}. */
export interface DemoHubOptions {
  /** Pass `--demo` (serve the dashboard and run the simulator). @default true */
  readonly demo?: boolean;
  /** Give up waiting for `listening on` after this many ms. @default 60000 */
  readonly startTimeoutMs?: number;
}

const LISTENING = /listening on (http:\/\/\S+)/;

/**
 * Spawns `node --conditions=source --import tsx packages/cli/src/cli.ts serve --port 0 --data <tmp> --demo`
 * and resolves once it prints `listening on http://…`.
 */
export async function startDemoHub(options: DemoHubOptions = {}): Promise<DemoHub> {
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-e2e-'));
  const args = ['--conditions=source', '--import', 'tsx', 'packages/cli/src/cli.ts', 'serve'];
  args.push('--port', '0', '--data', dataDir, '--log-level', 'warn');
  if (options.demo ?? true) args.push('--demo');
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // If this process dies without calling stop(), take the hub with it rather than leaking it.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.removeListener('exit', killOnExit);
      resolve();
    }),
  );
  try {
    const url = await waitForListening(child, options.startTimeoutMs ?? 60_000, (chunk) => {
      output += chunk;
    });
    let stopping: Promise<void> | undefined;
    return {
      url,
      stop() {
        stopping ??= (async () => {
          await terminate(child, exited);
          await rm(dataDir, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
  } catch (err) {
    await terminate(child, exited);
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(`herald serve did not start: ${(err as Error).message}\n${output}`);
  }
}

function waitForListening(
  child: ChildProcess,
  timeoutMs: number,
  log: (chunk: string) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`no "listening on" line within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => log(chunk));
    child.stdout?.on('data', (chunk: string) => {
      log(chunk);
      stdout += chunk;
      const match = LISTENING.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with code ${code}`));
    });
  });
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}
