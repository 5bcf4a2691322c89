import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NodeEngine } from './node-engine.js';

const SCRIPT = fileURLToPath(new URL('./hub-node.ts', import.meta.url));

/** A hub node running in a child process. */
export interface ChildHub {
  readonly url: string;
  readonly wsUrl: string;
  /** SIGKILL: no drain, no close frames, connections reset. Resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Starts a hub node on `engine` in a child process (from source, through tsx). */
export async function startChildHub(engine: NodeEngine): Promise<ChildHub> {
  const proc = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', SCRIPT, JSON.stringify(engine)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const kill = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
  };
  try {
    const ready = await new Promise<{ url: string; wsUrl: string }>((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`child hub not ready: ${err}`)), 20_000);
      proc.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
      });
      proc.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = /READY (.*)\n/.exec(out);
        if (line?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(JSON.parse(line[1]) as { url: string; wsUrl: string });
        }
      });
      proc.once('exit', (code) => reject(new Error(`child hub exited ${code}: ${err}`)));
    });
    return { ...ready, kill };
  } catch (error) {
    await kill();
    throw error;
  }
}
