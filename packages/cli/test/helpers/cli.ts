import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@herald/testing';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A `herald` CLI child process (run from source through tsx) with captured output. */
export interface CliProcess {
  readonly proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** Waits for a stdout line matching `re` and returns the match. */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(signal?: NodeJS.Signals): void;
}

/** Spawns `node --conditions=source --import tsx packages/cli/src/cli.ts …args`. */
export function spawnCli(args: readonly string[], env: Record<string, string> = {}): CliProcess {
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput: (re, timeoutMs = 20_000) =>
      waitFor(() => out.match(re), {
        timeoutMs,
        message: `no output matching ${re} (stderr: ${err.slice(-500)})`,
      }),
    kill: (signal = 'SIGTERM') => {
      if (proc.exitCode === null) proc.kill(signal);
    },
  };
}

/** Starts `herald serve --port 0 …` and returns the process with its base URL. */
export async function spawnServe(args: readonly string[], env: Record<string, string> = {}) {
  const cli = spawnCli(['serve', '--port', '0', '--log-level', 'warn', ...args], env);
  const match = await cli.waitForOutput(/listening on (http:\/\/[^\s]+)/);
  return { cli, url: match[1] as string };
}

/** Kills `cli` (SIGKILL) in the test's cleanup (a cleanup list, or anything with its `push`), and returns it. */
export function track(
  cleanups: { push(fn: () => Promise<unknown> | unknown): unknown },
  cli: CliProcess,
): CliProcess {
  cleanups.push(async () => {
    cli.kill('SIGKILL');
    await cli.exited;
  });
  return cli;
}

/** A `CliIo` for `runCli` that records every line it prints. */
export function capture() {
  const io = { outLines: [] as string[], errLines: [] as string[] };
  return {
    io,
    sink: { out: (l: string) => io.outLines.push(l), err: (l: string) => io.errLines.push(l) },
  };
}
