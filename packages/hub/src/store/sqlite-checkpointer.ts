import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** Options of {@link startCheckpointer}. */
export interface CheckpointerOptions {
  /**
   * How often the worker folds the WAL into the database file.
   * @default 200
   */
  readonly intervalMs?: number;
  /**
   * WAL frames (pages) past which the worker restarts the WAL (a brief wait for the writer) instead of
   * only copying: under sustained writes a passive checkpoint never sees a quiet moment, so the WAL would
   * keep growing.
   * @default 4000
   */
  readonly restartFrames?: number;
  /** Told about a failed checkpoint or a failed worker. @default process.emitWarning */
  readonly onError?: (err: unknown) => void;
}

// Plain CommonJS evaluated in the worker, so it runs the same from sources, dist and a bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = ' + workerData.synchronous);
const run = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r && r.log > workerData.restartFrames) db.pragma('wal_checkpoint(RESTART)');
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Stops a {@link startCheckpointer} worker; resolves once its connection is closed. */
export type StopCheckpointer = () => Promise<void>;

/**
 * Moves WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever commit
 * crosses 1,000 WAL pages and, at `synchronous=NORMAL`, fsyncs the WAL and the database there: the hub's
 * publishes waited on that disk flush. Here the main connection never checkpoints, and a worker thread with
 * its own connection checkpoints every `intervalMs` (readers and the writer go on meanwhile). If the
 * worker fails, the main connection checkpoints automatically again, so the WAL never grows unbounded.
 */
export function startCheckpointer(
  db: Database.Database,
  synchronous: 'NORMAL' | 'FULL',
  options: CheckpointerOptions = {},
): StopCheckpointer {
  const onError =
    options.onError ?? ((err: unknown) => process.emitWarning(err instanceof Error ? err : String(err)));
  const fallBack = (): void => {
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  };
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: db.name,
        synchronous,
        intervalMs: options.intervalMs ?? 200,
        restartFrames: options.restartFrames ?? 4_000,
      },
    });
  } catch (err) {
    onError(err);
    return async () => {};
  }
  db.pragma('wal_autocheckpoint = 0');
  worker.unref();
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      if (!stopping) fallBack();
      resolve();
    });
  });
  worker.on('message', (m: { error?: string }) => {
    if (m.error !== undefined) onError(new Error(`WAL checkpoint failed: ${m.error}`));
  });
  worker.on('error', (err) => {
    onError(err);
    fallBack();
  });
  return async () => {
    if (!stopping) {
      stopping = true;
      // Held while it closes: an unref'd worker is not enough to keep a shutting-down process alive until then.
      worker.ref();
      worker.postMessage('stop');
    }
    await exited;
  };
}
