/**
 * A hub on a SQLite directory in a process of its own, so a test can measure its memory (its RSS is the
 * hub's alone) and its event loop apart from the clients. Argument: the JSON of the `HubOptions` besides
 * the store, plus `dir`. Prints `READY {"url":…,"wsUrl":…}` once listening; SIGTERM closes it.
 */
import { type HubOptions, startHub } from '../../src/index.js';

const { dir, ...options } = JSON.parse(process.argv[2] ?? '{}') as HubOptions & { dir: string };
const hub = await startHub({
  ...options,
  port: 0,
  host: '127.0.0.1',
  logger: false,
  store: { kind: 'sqlite', dir },
});
process.once('SIGTERM', () => {
  void hub.close().finally(() => process.exit(0));
});
process.stdout.write(`READY ${JSON.stringify({ url: hub.url, wsUrl: hub.wsUrl })}\n`);
