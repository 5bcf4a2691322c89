import { parseArgs } from 'node:util';
import { HubConfigError } from '../auth/dev-hub.js';
import type { HubOptions, LimitOptions, StoreSpec } from '../config.js';
import { createLogger, flushLogs, type LogFormat } from '../logger.js';
import { startHub } from '../server.js';
import type { RetentionOptions } from '../store/types.js';
import { loadDemo } from './demo.js';
import { CliError, usage } from './errors.js';
import { SERVE_PARSE_OPTIONS, SERVE_USAGE } from './serve-options.js';
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

/** The settings found under one config group (`limits.*`, `retention.*`), keyed by their HubOptions name. */
function group<T>(s: ServeSettings, names: Readonly<Record<string, keyof T>>): Partial<T> {
  const out: Partial<Record<keyof T, number>> = {};
  for (const [flag, name] of Object.entries(names)) {
    const value = s.get(flag);
    if (typeof value === 'number') out[name] = value;
  }
  return out as Partial<T>;
}

const LIMIT_FLAGS: Readonly<Record<string, keyof LimitOptions>> = {
  'max-frame-bytes': 'maxFrameBytes',
  'max-channels-per-connection': 'maxChannelsPerConnection',
  'max-buffered-bytes': 'maxBufferedBytes',
  'publish-rate': 'publishRatePerSec',
  'publish-burst': 'publishBurst',
  'max-batch': 'maxBatch',
  'max-body-bytes': 'maxBodyBytes',
};
const RETENTION_FLAGS: Readonly<Record<string, keyof RetentionOptions>> = {
  'retention-max-events': 'maxCount',
  'retention-max-age-ms': 'maxAgeMs',
};
const TIMING_FLAGS: Readonly<
  Record<string, 'heartbeatMs' | 'handshakeTimeoutMs' | 'refreshBeforeMs' | 'drainGraceMs'>
> = {
  'heartbeat-ms': 'heartbeatMs',
  'handshake-timeout-ms': 'handshakeTimeoutMs',
  'refresh-before-ms': 'refreshBeforeMs',
  'drain-grace-ms': 'drainGraceMs',
};

/** HubOptions from the resolved settings (everything but the logger and the static folder). */
function hubOptionsOf(s: ServeSettings): Omit<HubOptions, 'logger'> {
  const jwtSecret = s.get('jwt-secret') as string | undefined;
  const jwksUrl = s.get('jwks') as string | undefined;
  return {
    port: (s.get('port') as number | undefined) ?? 8080,
    host: (s.get('host') as string | undefined) ?? '127.0.0.1',
    store: storeOf(s),
    auth: {
      ...(jwtSecret === undefined ? {} : { jwtSecret }),
      ...(jwksUrl === undefined ? {} : { jwksUrl }),
      publisherKeys: (s.get('publisher-key') as readonly string[] | undefined) ?? [],
      ...(s.get('allow-non-expiring-tokens') === true ? { allowNonExpiringTokens: true } : {}),
    },
    limits: group<LimitOptions>(s, LIMIT_FLAGS),
    retention: group<RetentionOptions>(s, RETENTION_FLAGS),
    ...group<Pick<HubOptions, 'heartbeatMs' | 'handshakeTimeoutMs' | 'refreshBeforeMs' | 'drainGraceMs'>>(
      s,
      TIMING_FLAGS,
    ),
  };
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
function startFailure(err: unknown, options: Omit<HubOptions, 'logger'>): unknown {
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
  const logger = createLogger(undefined, {
    level: (settings.get('log-level') as string | undefined) ?? 'info',
    ...(settings.has('log-format') ? { format: settings.get('log-format') as LogFormat } : {}),
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
