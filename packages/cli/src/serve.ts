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
import { onShutdownSignal, SHUTDOWN_DEADLINE_MS } from './shutdown.js';

export { SERVE_USAGE };

function storeOf(s: ServeSettings): StoreSpec {
  const data = s.get('data') as string | undefined;
  const redis = s.get('redis') as string | undefined;
  const memory = s.get('memory') === true;
  const chosen = [data !== undefined, memory, redis !== undefined].filter(Boolean).length;
  if (chosen > 1) throw usage('choose one of --data, --memory and --redis');
  if (memory) return { kind: 'memory' };
  const keyPrefix = s.get('redis-key-prefix') as string | undefined;
  if (keyPrefix !== undefined && redis === undefined) throw usage('--redis-key-prefix needs --redis');
  if (redis !== undefined)
    return { kind: 'redis', url: redis, ...(keyPrefix === undefined ? {} : { keyPrefix }) };
  return { kind: 'sqlite', dir: data ?? './.herald-data' };
}

const CLI_ONLY: ReadonlySet<string> = new Set<CliOnlyKey>([
  'data',
  'memory',
  'redis',
  'redisKeyPrefix',
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

/** A URL without its password, for messages. */
function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

/** Turns a failure to start into one CLI line. */
function startFailure(err: unknown, options: Omit<HubOptions, 'logger' | 'staticDir'>): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new CliError(`port ${options.port} is already in use`);
  if (code === 'EACCES') return new CliError(`permission denied to listen on port ${options.port}`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new CliError(`cannot listen on host ${options.host}`);
  if (err instanceof HubConfigError || err instanceof RangeError || err instanceof TypeError) {
    return new CliError((err as Error).message);
  }
  const store = options.store as StoreSpec;
  if ('kind' in store && store.kind === 'redis') {
    return new CliError(`cannot use Redis at ${redactUrl(store.url)}: ${(err as Error).message}`);
  }
  return err;
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
  const shown = hub.host.includes(':') ? `[${hub.host}]` : hub.host;
  out(`listening on http://${shown}:${hub.port}${hub.openDevHub ? ' (open dev hub: no auth)' : ''}`);
  const publisherKey = options.auth?.publisherKeys?.[0];
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
