import type { Logger } from 'pino';

/** Past this (plus the drain grace), a shutdown that hangs (a store that never answers) is abandoned rather than waited on forever. */
export const SHUTDOWN_DEADLINE_MS = 15_000;

/**
 * Resolves with the exit code once SIGTERM or SIGINT has run `shutdown`: 0 when it finished, 1 when it
 * failed, took longer than `deadlineMs`, or a second signal asked to exit at once.
 */
export function onShutdownSignal(
  logger: Logger,
  shutdown: () => Promise<void>,
  deadlineMs = SHUTDOWN_DEADLINE_MS,
): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn(`${signal} again: exiting now`);
        resolve(1);
        return;
      }
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const deadline = setTimeout(() => {
        logger.error(`shutdown took over ${deadlineMs} ms: exiting`);
        resolve(1);
      }, deadlineMs);
      deadline.unref();
      shutdown().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
