import { parseArgs } from 'node:util';
import { HubConfigError } from '../auth/dev-hub.js';
import type { HubOptions, StoreSpec } from '../config.js';
import { createLogger } from '../logger.js';
import { startHub } from '../server.js';
import { findDashboardDist, startDemoSimulator } from './demo.js';
import { CliError, parsePort, usage } from './errors.js';

const OPTIONS = {
  port: { type: 'string', default: '8080' },
  host: { type: 'string', default: '127.0.0.1' },
  data: { type: 'string' },
  memory: { type: 'boolean', default: false },
  redis: { type: 'string' },
  demo: { type: 'boolean', default: false },
  static: { type: 'string' },
  'jwt-secret': { type: 'string' },
  jwks: { type: 'string' },
  'publisher-key': { type: 'string', multiple: true },
  'log-level': { type: 'string', default: 'info' },
  'drain-grace-ms': { type: 'string', default: '0' },
} as const;

/** Usage text of `herald serve`. */
export const SERVE_USAGE = `herald serve [--port 8080] [--host 127.0.0.1] [--data DIR | --memory | --redis URL] [--demo]
             [--static DIR] [--jwt-secret S] [--jwks URL] [--publisher-key K]... [--log-level info]
             [--drain-grace-ms 0]
  env: HERALD_JWT_SECRET, HERALD_JWKS_URL, HERALD_PUBLISHER_KEYS (comma-separated)`;

function storeOf(values: {
  data?: string | undefined;
  memory: boolean;
  redis?: string | undefined;
}): StoreSpec {
  const chosen = [values.data !== undefined, values.memory, values.redis !== undefined].filter(
    Boolean,
  ).length;
  if (chosen > 1) throw usage('choose one of --data, --memory and --redis');
  if (values.memory) return { kind: 'memory' };
  if (values.redis !== undefined) return { kind: 'redis', url: values.redis };
  return { kind: 'sqlite', dir: values.data ?? './.herald-data' };
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

/** `herald serve`: runs a hub until SIGTERM/SIGINT, then drains and exits 0. */
export async function serve(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw usage(`unexpected argument: ${positionals[0]}`);
  const port = parsePort(values.port);
  const drainGraceMs = /^\d{1,9}$/.test(values['drain-grace-ms']) ? Number(values['drain-grace-ms']) : -1;
  if (drainGraceMs < 0) throw usage('--drain-grace-ms must be a non-negative integer');
  const envKeys = (process.env.HERALD_PUBLISHER_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const publisherKeys = [...(values['publisher-key'] ?? []), ...envKeys];
  const jwtSecret = values['jwt-secret'] ?? process.env.HERALD_JWT_SECRET;
  const jwksUrl = values.jwks ?? process.env.HERALD_JWKS_URL;
  if (jwksUrl !== undefined && !URL.canParse(jwksUrl)) throw usage('--jwks must be a URL');
  const logger = createLogger(undefined);
  logger.level = values['log-level'];
  let staticDir = values.static;
  if (values.demo && staticDir === undefined) {
    staticDir = findDashboardDist();
    if (staticDir === undefined)
      logger.warn('demo: apps/dashboard/dist not found (build the dashboard); serving the API only');
  }
  const options: HubOptions = {
    port,
    host: values.host,
    store: storeOf(values),
    auth: {
      ...(jwtSecret ? { jwtSecret } : {}),
      ...(jwksUrl ? { jwksUrl } : {}),
      publisherKeys,
    },
    logger,
    drainGraceMs,
    ...(staticDir === undefined ? {} : { staticDir }),
  };
  let hub: Awaited<ReturnType<typeof startHub>>;
  try {
    hub = await startHub(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${port} is already in use`);
    if (code === 'EACCES') throw new CliError(`permission denied to listen on port ${port}`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new CliError(`cannot listen on host ${values.host}`);
    if (err instanceof HubConfigError || err instanceof RangeError || err instanceof TypeError) {
      throw new CliError((err as Error).message);
    }
    if (values.redis !== undefined) {
      throw new CliError(`cannot use Redis at ${redactUrl(values.redis)}: ${(err as Error).message}`);
    }
    throw err;
  }
  // The boundary of last resort: a bug in one request must not take every other client down with the hub.
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception'));
  const shown = hub.host.includes(':') ? `[${hub.host}]` : hub.host;
  out(`listening on http://${shown}:${hub.port}${hub.openDevHub ? ' (open dev hub: no auth)' : ''}`);
  const simulator = values.demo ? await startDemoSimulator(hub.url, publisherKeys[0], logger) : null;

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) {
        logger.warn(`${signal} again: exiting now`);
        resolve(1);
        return;
      }
      stopping = true;
      logger.info({ signal }, 'shutting down');
      void (async () => {
        try {
          await simulator?.stop();
          // drain() first so --drain-grace-ms is honoured; close() would end the grace at once.
          await hub.drain('shutdown');
          await hub.close();
          resolve(0);
        } catch (err) {
          logger.error({ err }, 'shutdown failed');
          resolve(1);
        }
      })();
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}
