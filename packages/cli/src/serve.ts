import { parseArgs } from 'node:util';
import { createHubLogger, HubConfigError, type HubOptions, type StoreSpec, startHub } from '@herald/hub';
import { loadDemo } from './demo.js';
import { CliError, usage } from './errors.js';
import { flushLogs, type LogFormat, stderrLogStream } from './log-stream.js';
import {
  type CliOnlyKey,
  SERVE_OPTIONS,
  SERVE_PARSE_OPTIONS,
  SERVE_USAGE,
  type SettingValue,
} from './serve-options.js';
import { resolveServeSettings, type ServeSettings } from './serve-settings.js';
import { describeStore, engineFailure, storeOf } from './serve-store.js';
import { onShutdownSignal, SHUTDOWN_DEADLINE_MS } from './shutdown.js';

export { SERVE_USAGE };

const CLI_ONLY: ReadonlySet<string> = new Set<CliOnlyKey>([
  'data',
  'memory',
  'redis',
  'redisKeyPrefix',
  'postgres',
  'postgresSchema',
  'postgresPoolSize',
  'nats',
  'natsStreamPrefix',
  'natsSubjectPrefix',
  'natsReplicas',
  'demo',
  'logLevel',
  'logFormat',
]);

/**
 * HubOptions from the resolved settings, each placed by its config key (`limits.maxBatch` →
 * `limits: {maxBatch}`), so SERVE_OPTIONS stays the one table of where a setting goes. The logger and the
 * static folder are added by `serve`.
 */
function hubOptionsOf(s: ServeSettings): Omit<HubOptions, 'logger' | 'staticDir'> {
  const options: Record<string, SettingValue | Record<string, SettingValue>> = {};
  for (const { flag, key } of SERVE_OPTIONS) {
    const value = s.get(flag);
    const [head = '', leaf] = key.split('.');
    if (value === undefined || head === '' || head === 'staticDir' || CLI_ONLY.has(head)) continue;
    if (leaf === undefined) options[head] = value;
    else options[head] = { ...(options[head] as Record<string, SettingValue> | undefined), [leaf]: value };
  }
  // Values were checked against their kinds in resolveServeSettings; the keys are typed by ConfigKey.
  return { port: 8080, host: '127.0.0.1', ...options, store: storeOf(s) } as Omit<
    HubOptions,
    'logger' | 'staticDir'
  >;
}

/** Turns a failure to start into one CLI line. */
function startFailure(err: unknown, options: Omit<HubOptions, 'logger' | 'staticDir'>): unknown {
  const { code, syscall, hostname } = err as NodeJS.ErrnoException & { hostname?: string };
  // A store's engine fails with the same codes (ENOTFOUND for its host): only the hub's own are listen's.
  const ours = syscall === 'listen' || (syscall === 'getaddrinfo' && hostname === options.host);
  if (!ours) return configFailure(err) ?? engineFailure(options.store as StoreSpec, err) ?? err;
  if (code === 'EADDRINUSE') return new CliError(`port ${options.port} is already in use`);
  if (code === 'EACCES') return new CliError(`permission denied to listen on port ${options.port}`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new CliError(`cannot listen on host ${options.host}`);
  return err;
}

/** A configuration the hub refused (unsafe host, bad range), as one CLI line. */
function configFailure(err: unknown): CliError | null {
  if (err instanceof HubConfigError || err instanceof RangeError || err instanceof TypeError) {
    return new CliError(err.message);
  }
  return null;
}

/** `herald serve`: runs a hub until SIGTERM/SIGINT, then drains and exits 0. */
export async function serve(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: SERVE_PARSE_OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw usage(`unexpected argument: ${positionals[0]}`);
  const settings = resolveServeSettings(values as Record<string, unknown>);
  const options = hubOptionsOf(settings);
  const demo =
    settings.get('demo') === true ? await loadDemo(settings.get('static') as string | undefined) : null;
  const staticDir = demo?.staticDir ?? (settings.get('static') as string | undefined);
  const logger = createHubLogger({
    level: (settings.get('log-level') as string | undefined) ?? 'info',
    destination: stderrLogStream(settings.get('log-format') as LogFormat | undefined),
  });
  let hub: Awaited<ReturnType<typeof startHub>>;
  try {
    hub = await startHub({ ...options, logger, ...(staticDir === undefined ? {} : { staticDir }) });
  } catch (err) {
    throw startFailure(err, options);
  }
  // The boundary of last resort: a bug in one request must not take every other client down with the hub.
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception'));
  const store = options.store as StoreSpec;
  logger.info({ store: 'kind' in store ? store.kind : 'instance' }, `store: ${describeStore(store)}`);
  const shown = hub.host.includes(':') ? `[${hub.host}]` : hub.host;
  out(`listening on http://${shown}:${hub.port}${hub.openDevHub ? ' (open dev hub: no auth)' : ''}`);
  // The simulator publishes to every scenario's channels: an unscoped key.
  const publisherKey = options.auth?.publisherKeys?.find((k): k is string => typeof k === 'string');
  const simulator = demo?.startSimulator(hub.url, publisherKey) ?? null;

  return onShutdownSignal(
    logger,
    async () => {
      await simulator?.stop();
      // drain() first so --drain-grace-ms is honoured; close() would end the grace at once.
      await hub.drain('shutdown');
      await hub.close();
      await flushLogs();
    },
    (options.drainGraceMs ?? 0) + SHUTDOWN_DEADLINE_MS,
  );
}
