import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A TypeScript test script running in a child process (from source, through tsx). */
export interface ChildScript {
  readonly proc: ChildProcess;
  /** Resolves with the JSON after the first `<tag> ` line the script prints on stdout. */
  line<T>(tag: string, timeoutMs?: number): Promise<T>;
  /** Everything the script wrote on stderr so far (for failure messages). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

/** Runs `script` (a path) with `arg` as its JSON argument. */
export function runScript(script: string, arg: unknown): ChildScript {
  const proc = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', script, JSON.stringify(arg)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    stderr: () => err,
    line<T>(tag: string, timeoutMs = 60_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          const m = new RegExp(`(?:^|\\n)${tag} (.*)\\n`).exec(out);
          if (m?.[1] !== undefined) return resolve(JSON.parse(m[1]) as T);
          if (proc.exitCode !== null || proc.signalCode !== null)
            return reject(
              new Error(`${script} exited (${proc.exitCode ?? proc.signalCode}) before ${tag}: ${err}`),
            );
          if (Date.now() - started > timeoutMs)
            return reject(new Error(`${script}: no ${tag} in time: ${err}`));
          setTimeout(check, 20);
        };
        check();
      });
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** A process's resident memory now and at its peak (Linux `/proc/<pid>/status`: VmRSS, VmHWM), in bytes. */
export function residentBytes(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 };
}
